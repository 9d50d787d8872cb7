/* Kehu analytics charts: each element with data-chart="<kind>" draws the JSON of the
   json_script element named by its data-source, with ECharts served by Kehu itself. */
(function () {
  "use strict";
  var font = getComputedStyle(document.body).fontFamily;
  var palette = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2",
                 "#db2777", "#65a30d", "#ea580c", "#475569"];
  var percent = function (value) { return value == null ? "—" : value + "%"; };

  var options = {
    segments: function (data) {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
        series: [{ type: "pie", radius: ["40%", "70%"], center: ["35%", "50%"],
                   label: { show: false }, data: data }]
      };
    },
    abc: function (data) {
      return {
        tooltip: { trigger: "axis", valueFormatter: percent },
        legend: { top: 0 },
        grid: { left: 40, right: 10, top: 40, bottom: 30 },
        xAxis: { type: "category", data: data.classes },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [
          { name: data.labels.customers, type: "bar", data: data.customers },
          { name: data.labels.sales, type: "bar", data: data.sales }
        ]
      };
    },
    clv: function (data) {
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 50, right: 10, top: 20, bottom: 70 },
        xAxis: { type: "category", data: data.bins, axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: data.label, type: "bar", data: data.customers, barCategoryGap: "8%" }]
      };
    },
    "kpi-counts": function (data) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 50, right: 10, top: 40, bottom: 30 },
        // The last month's label may say it is not over yet: kept inside the chart.
        xAxis: { type: "category", data: data.months, axisLabel: { alignMaxLabel: "right" } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.counts
      };
    },
    "kpi-rates": function (data) {
      return {
        tooltip: { trigger: "axis", valueFormatter: percent },
        legend: { top: 0 },
        grid: { left: 50, right: 10, top: 40, bottom: 30 },
        // The last month's label may say it is not over yet: kept inside the chart.
        xAxis: { type: "category", data: data.months, axisLabel: { alignMaxLabel: "right" } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: data.rates.map(function (s) {
          return { name: s.name, type: "line", data: s.data, connectNulls: false, showSymbol: false };
        })
      };
    }
  };

  function draw() {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.source);
      var build = options[element.dataset.chart];
      if (!source || !build) { return; }
      var chart = echarts.init(element, null, { renderer: "svg" });
      var option = build(JSON.parse(source.textContent));
      option.color = palette;
      option.textStyle = { fontFamily: font };
      // Drawn in the chart, as HTML tooltips would need inline styles the pages refuse.
      option.tooltip.renderMode = "richText";
      chart.setOption(option);
      new ResizeObserver(function () { chart.resize(); }).observe(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
