// Monthly dispute analysis charts (ECharts); data comes from the json_script block.
(function () {
  var node = document.getElementById("dispute-chart");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var typeChart = window.echarts.init(document.getElementById("chart-type"));
  typeChart.setOption({
    title: { text: "按类型", left: "center", textStyle: { fontSize: 14 } },
    tooltip: {},
    xAxis: { type: "category", data: data.types, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.type_counts, itemStyle: { color: "#0b4f8a" } }]
  });
  var colourChart = window.echarts.init(document.getElementById("chart-colour"));
  var palette = { "红色": "#c53030", "黄色": "#d69e2e", "蓝色": "#2b6cb0" };
  colourChart.setOption({
    title: { text: "按风险等级", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "item" },
    series: [{
      type: "pie", radius: "60%",
      data: data.colours.map(function (name, i) {
        return { name: name, value: data.colour_counts[i], itemStyle: { color: palette[name] } };
      })
    }]
  });
})();
