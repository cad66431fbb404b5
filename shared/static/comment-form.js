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
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!out || !max) { return; }
    var template = out.getAttribute("data-template") || "{n}";
    var shown = -1;
    function update() {
      var left = max - area.value.length;
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
