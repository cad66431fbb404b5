/* Góp Ý comment forms, progressive enhancement only: the forms work without this file.
   Shows how many characters are left, and asks for consent once personal data is typed. */
(function () {
  "use strict";
  var sep = document.documentElement.lang === "en" ? "," : ".";
  function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }
  function wireCounter(area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    var max = parseInt(area.getAttribute("data-max"), 10);
    if (!out || !max) { return; }
    var template = out.getAttribute("data-template") || "{n}";
    var tooLong = out.getAttribute("data-too-long") || template;
    var shown = -1;
    var flagged = false;
    function update() {
      var left = max - area.value.length;
      if (left < 0) {
        flagged = true;
        // Over the limit: say by how much, keep every character, let the reader shorten it.
        shown = left;
        out.textContent = tooLong.replace("{n}", grouped(area.value.length))
          .replace("{over}", grouped(-left));
        out.classList.add("low");
        out.setAttribute("role", "alert");
        area.setAttribute("aria-invalid", "true");
        area.setCustomValidity(out.textContent);
        return;
      }
      out.removeAttribute("role");
      area.setCustomValidity("");
      if (flagged) {
        flagged = false;
        shown = -1;
        area.removeAttribute("aria-invalid");
      }
      // Announce in steps so screen readers are not flooded on every key press.
      var step = left > 1000 ? 1000 : left > 100 ? 100 : 1;
      var rounded = left - (left % step);
      if (rounded === shown && left > 100) { return; }
      shown = rounded;
      out.textContent = template.replace("{n}", grouped(left));
      out.classList.toggle("low", left < 500);
    }
    area.addEventListener("input", update);
    update();
  }
  function wireConsent(form) {
    var box = form.querySelector("input[name=consent]");
    var fields = form.querySelectorAll("[data-personal]");
    if (!box || !fields.length) { return; }
    var always = box.required;
    function update() {
      var given = false;
      for (var i = 0; i < fields.length; i++) {
        if (fields[i].value.trim()) { given = true; }
      }
      box.required = always || given;
    }
    for (var i = 0; i < fields.length; i++) { fields[i].addEventListener("input", update); }
    update();
  }
  var forms = document.querySelectorAll("form[data-comment-form]");
  for (var i = 0; i < forms.length; i++) {
    var area = forms[i].querySelector("textarea[data-counter]");
    if (area) { wireCounter(area); }
    wireConsent(forms[i]);
  }
})();
