/* Target, won and forecast per person or team, as grouped bars. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("target-chart");
  if (!box) { return; }
  var data = JSON.parse(document.getElementById("target-data").textContent);
  var chart = echarts.init(box);
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    color: ["#94a3b8", "#16a34a", "#2563eb"],
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 80, right: 10, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.names },
    yAxis: { type: "value" },
    series: ["target", "won", "forecast"].map(function (key) {
      return { name: data.labels[key], type: "bar", data: data[key] };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
