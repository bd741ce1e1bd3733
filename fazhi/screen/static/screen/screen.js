// 执法智慧大屏: the full-screen button, and the care the polled board needs — charts of the
// replaced board disposed (a screen runs all day), a failed refresh kept visible as stale, and a
// signed-out session (the board answered with the sign-in page) sent to the sign-in page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-fullscreen]")) return;
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 200 && !xhr.getResponseHeader("X-Fazhi-Board")) {
      event.detail.shouldSwap = false;
      window.location.reload();
      return;
    }
    if (!event.detail.shouldSwap) { document.body.classList.add("stale"); return; }
    document.body.classList.remove("stale");
    if (typeof echarts === "undefined") return;
    event.detail.target.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) chart.dispose();
    });
  });
  document.addEventListener("htmx:sendError", function () { document.body.classList.add("stale"); });
})();
