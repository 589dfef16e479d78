/*
 * Draw the dashboard's charts with the vendored Apache ECharts.
 *
 * Data come from <script type="application/json" id="dashboard-data"> (CSP: no inline script runs; a JSON
 * block is not executed). Each chart is a bar chart of categories × series; the server decides stacking,
 * orientation and an optional reference line (the baseline = 100 of the product chart). Tooltips render on
 * the canvas (renderMode "richText"): HTML tooltips would need inline style attributes, which CSP forbids.
 */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var drawn = [];

  function option(chart) {
    var categoryAxis = { type: "category", data: chart.categories, axisLabel: { interval: 0, width: 220, overflow: "truncate" } };
    var valueAxis = { type: "value" };
    var series = chart.series.map(function (s, i) {
      var out = { name: s.name, type: "bar", data: s.data, emphasis: { focus: "series" } };
      if (chart.stack) { out.stack = "total"; }
      if (i === 0 && chart.mark !== null && chart.mark !== undefined) {
        out.markLine = { symbol: "none", data: [{ name: "", yAxis: chart.mark }], label: { formatter: String(chart.mark) } };
      }
      return out;
    });
    return {
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: chart.horizontal ? valueAxis : categoryAxis,
      yAxis: chart.horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  charts.forEach(function (chart) {
    var el = document.querySelector('[data-chart="' + chart.id + '"]');
    if (!el || !chart.rows.length) { return; }
    var rows = chart.categories.length;
    var height = chart.horizontal ? Math.max(240, 60 + rows * 28) : 320;
    var instance = echarts.init(el, null, { renderer: "canvas", height: height });
    instance.setOption(option(chart));
    el.setAttribute("data-rendered", "true");
    drawn.push(instance);
  });
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
}());
