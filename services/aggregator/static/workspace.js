// Live counts on the overview: the server pushes each section's count (server-sent events);
// the page works without this script, it only saves a reload.
(function () {
  var state = document.querySelector("[data-live-url]");
  if (!state || !window.EventSource) return;
  var source = new EventSource(state.getAttribute("data-live-url"));
  var format = function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); };
  source.addEventListener("counts", function (event) {
    var data = JSON.parse(event.data);
    var hottest = 1;
    Object.keys(data.sections).forEach(function (id) { hottest = Math.max(hottest, data.sections[id]); });
    Object.keys(data.sections).forEach(function (id) {
      var cell = document.querySelector('[data-live-section="' + id + '"]');
      if (cell) cell.textContent = format(data.sections[id]);
      var heat = document.querySelector('[data-live-heat="' + id + '"]');
      if (heat) heat.setAttribute("width", (100 * data.sections[id] / hottest).toFixed(1));
    });
    Object.keys(data.commenters || {}).forEach(function (id) {
      var cell = document.querySelector('[data-live-commenters="' + id + '"]');
      if (cell) cell.textContent = format(data.commenters[id]);
    });
    var total = document.querySelector("[data-live-total]");
    if (total) total.textContent = format(data.total);
    var people = document.querySelector("[data-live-people]");
    if (people && data.people !== undefined) people.textContent = format(data.people);
    state.textContent = "(cập nhật trực tiếp)";
  });
  source.onerror = function () { state.textContent = "(mất kết nối, đang thử lại…)"; };
})();
