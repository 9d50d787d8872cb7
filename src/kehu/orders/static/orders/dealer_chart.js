// A dealer's confirmed sales by month, from the page's json_script "dealer-chart-data".
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("dealer-chart");
  if (!element) return;
  const data = JSON.parse(document.getElementById("dealer-chart-data").textContent);
  echarts.init(element).setOption({
    animation: false,
    grid: {left: 80, right: 20, top: 20, bottom: 30},
    tooltip: {trigger: "axis", renderMode: "richText"},
    xAxis: {type: "category", data: data.months},
    yAxis: {type: "value"},
    series: [{type: "bar", barMaxWidth: 48, data: data.totals.map(Number), itemStyle: {color: "#206bc4"}}],
  });
});
