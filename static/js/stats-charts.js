// The statistics reports' charts.
// Each <canvas data-chart="ID"> is drawn from the JSON in <script type="application/json"
// id="ID"> (rendered by the server with |tojson). Nothing is put into the page as HTML: labels
// (which may be a visitor's user agent or referrer host) go to Chart.js as text only.
// Readable without colour: each series has its own dash pattern and point style, a legend,
// and the same numbers are in the table below each chart.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  // Okabe–Ito colours (told apart with colour-blindness too), plus dashes and point shapes.
  var STYLES = [
    { color: "#0072B2", dash: [], point: "circle" },
    { color: "#D55E00", dash: [8, 4], point: "rectRot" },
    { color: "#009E73", dash: [2, 3], point: "triangle" },
    { color: "#8A6100", dash: [12, 4, 2, 4], point: "rect" },
    { color: "#CC79A7", dash: [4, 4], point: "star" },
  ];

  function numberFormat(value) {
    if (value === null || value === undefined) {
      return "—";
    }
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: 1 });
  }

  // Bars cannot be dashed: each series after the first gets a fill pattern (stripes, dots,
  // cross-hatch) over its colour, so bars are told apart in grey too (and in the legend).
  function pattern(color, index) {
    if (index % 4 === 0 || typeof document.createElement("canvas").getContext !== "function") {
      return color + "cc";
    }
    var tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    var ctx = tile.getContext("2d");
    if (!ctx) {
      return color + "cc";
    }
    ctx.fillStyle = color + "55";
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    if (index % 4 === 1) {
      ctx.beginPath();
      ctx.moveTo(0, 8);
      ctx.lineTo(8, 0);
      ctx.stroke();
    } else if (index % 4 === 2) {
      ctx.beginPath();
      ctx.arc(4, 4, 2, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.beginPath();
      ctx.moveTo(0, 4);
      ctx.lineTo(8, 4);
      ctx.moveTo(4, 0);
      ctx.lineTo(4, 8);
      ctx.stroke();
    }
    return ctx.createPattern(tile, "repeat") || color + "cc";
  }

  function dataset(series, index, kind, many) {
    var style = STYLES[index % STYLES.length];
    var set = {
      label: series.label,
      data: series.data,
      borderColor: style.color,
      backgroundColor: kind === "bar" ? pattern(style.color, index) : style.color,
      borderWidth: 2,
      borderDash: style.dash,
      pointStyle: style.point,
      // Many days: the lines alone (dash patterns tell them apart), points on hover.
      pointRadius: kind === "line" && !many ? 3 : 0,
      pointHoverRadius: 4,
      spanGaps: false,
    };
    if (kind === "bar") {
      set.borderSkipped = false;
    }
    return set;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var kind = spec.kind === "bar" ? "bar" : "line";
    var horizontal = Boolean(spec.horizontal);
    var valueAxis = horizontal ? "x" : "y";
    var labelAxis = horizontal ? "y" : "x";
    var scales = {};
    scales[labelAxis] = { title: { display: true, text: spec.x } };
    scales[valueAxis] = {
      beginAtZero: true,
      title: { display: true, text: spec.y },
      ticks: { callback: numberFormat, precision: 0 },
    };
    if (horizontal) {
      scales[labelAxis].title.text = spec.y;
      scales[valueAxis].title.text = spec.x;
    }
    new window.Chart(canvas, {
      type: kind,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, index) {
          return dataset(series, index, kind, spec.labels.length > 60);
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: {
          legend: { display: spec.series.length > 1, labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + numberFormat(context.raw);
              },
            },
          },
        },
      },
    });
  }

  function start() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i += 1) {
      draw(canvases[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
