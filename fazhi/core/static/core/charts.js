/* Charts without inline scripts (CSP script-src 'self'): every element
 *   <div class="chart" data-chart="ID"></div>
 * is drawn with the ECharts option stored as JSON in
 *   <script type="application/json" id="ID">…</script>   ({{ option|json_script:"ID" }})
 * or, in content that htmx swaps in (htmx drops <script> elements when allowScriptTags is off),
 * with the option in the element's own data-option attribute (the 大屏's board).
 * Pages that draw charts load echarts.min.js and this file. Re-run after htmx swaps. */
(function () {
  "use strict";
  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var text = el.getAttribute("data-option");
      if (!text) {
        var source = document.getElementById(el.getAttribute("data-chart"));
        if (!source) { return; }
        text = source.textContent;
      }
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(text), true);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
})();
