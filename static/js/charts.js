/* Draw the page's Plotly charts from the figures the server wrote with json_script, only when they are needed.
   <div class="plot" data-figure="ID"> reads <script id="ID" type="application/json">{data, layout}</script>;
   data-geojson="URL" makes choropleth traces use the shapes fetched from URL (same site, the URL built by
   Django in the page's language, so it works under /en/ too).

   The page is usable before any chart: this script is small and deferred; the Plotly bundle
   (<script data-plotly-src> below the charts) is loaded once, lazily, when the first chart comes within
   a screen of the viewport (IntersectionObserver), and each chart is drawn when it nears the viewport,
   one chart per task so that no single long task holds the page. A drawn chart gets data-drawn="1" and
   fires "cchc:chart-drawn" (bubbling); when every chart then in view is drawn, window gets
   "cchc:charts-in-view-drawn". Without IntersectionObserver every chart is drawn at once.

   A line chart arrives already drawn: the server's still picture (dashboard/sketch.py, data-sketch="1")
   counts as drawn (data-drawn="sketch") and Plotly is loaded only when a visitor shows they want more than
   the picture: the pointer enters the chart, a finger touches it, or the keyboard focuses it. That chart is
   then drawn by Plotly in place of the picture (data-drawn="1"); a visit that only reads the page never pays
   for the bundle. */
(function () {
  "use strict";
  var config = {
    responsive: true,
    displaylogo: false,
    // the mode bar shows while the pointer is over the chart (a tap on a phone), never over the legend
    displayModeBar: "hover",
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    locale: document.documentElement.lang || "vi"
  };
  var geojsonCache = {};
  var plotlyLoading = null;
  var queue = [];
  var drawing = false;

  function loadPlotly() {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (!plotlyLoading) {
      var holder = document.querySelector("[data-plotly-src]");
      plotlyLoading = new Promise(function (resolve, reject) {
        if (!holder) { reject(new Error("no data-plotly-src")); return; }
        var script = document.createElement("script");
        script.src = holder.getAttribute("data-plotly-src");
        script.async = true;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = function () { reject(new Error("Plotly bundle failed to load")); };
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  function fetchGeojson(url) {
    if (!geojsonCache[url]) {
      geojsonCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("geojson " + r.status); }
        return r.json();
      });
    }
    return geojsonCache[url];
  }

  function figureOf(el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source) { return null; }
    var figure = JSON.parse(source.textContent);
    if (!el.dataset.geojson) { return Promise.resolve(figure); }
    return fetchGeojson(el.dataset.geojson).then(function (geojson) {
      figure.data.forEach(function (trace) { if (trace.type === "choropleth") { trace.geojson = geojson; } });
      if (figure.base) {
        // Every shape in light grey underneath: units without a figure show as missing, never as 0.
        var features = geojson.features;
        figure.data.unshift({
          type: "choropleth", geojson: geojson, featureidkey: "properties.code",
          locations: features.map(function (f) { return f.properties.code; }),
          z: features.map(function () { return 0; }),
          text: features.map(function (f) { return f.properties.name + ": " + figure.base.missing; }),
          hovertemplate: "%{text}<extra></extra>",
          colorscale: [[0, "#e5e7eb"], [1, "#e5e7eb"]], showscale: false,
          marker: { line: { color: "#ffffff", width: 0.6 } }
        });
      }
      return figure;
    });
  }

  // Phones: narrower margins, a smaller legend, and a map whose colour bar lies under it instead of
  // taking a fifth of the width beside it.
  function fitToWidth(el, fig) {
    var width = el.clientWidth || window.innerWidth;
    var layout = fig.layout = fig.layout || {};
    if (layout.geo && !(layout.geo.projection && layout.geo.projection.type)) {
      // fitted to the shapes in Mercator, the map fills its box (the default projection drew it ~60 px wide)
      layout.geo.projection = { type: "mercator" };
    }
    if (width >= 560) { return fig; }
    var margin = layout.margin = layout.margin || {};
    if (margin.l > 50) { margin.l = 50; }
    if (margin.r > 12) { margin.r = 12; }
    if (layout.legend) { layout.legend.font = { size: 11 }; }
    var x = layout.xaxis;
    if (x && x.dtick === 1 && x.range && x.range[1] - x.range[0] > 8) { x.dtick = 2; }  // every other year
    if (layout.geo) {
      fig.data.forEach(function (trace) {
        if (trace.type === "choropleth" && trace.colorbar) {
          trace.colorbar.orientation = "h";
          trace.colorbar.x = 0.5;
          trace.colorbar.xanchor = "center";
          trace.colorbar.y = 0;
          trace.colorbar.yanchor = "top";
          trace.colorbar.len = 0.9;
          trace.colorbar.thickness = 10;
          if (trace.colorbar.title) { trace.colorbar.title.side = "top"; }
        }
      });
      margin.b = Math.max(margin.b || 0, 70);
      layout.height = Math.min(layout.height || 560, Math.round(width * 1.15) + 70);
    }
    return fig;
  }

  // The image export (the mode bar's camera) names the file after the chart and its filters
  // (data-export, set by the server) and carries the source line (data-source) as an annotation
  // under the plot, so that a PNG passed around still says where its figures come from.
  function exportable(el, fig) {
    var options = Object.assign({}, config);
    options.toImageButtonOptions = { filename: el.dataset.export || el.id || "chart" };
    var source = el.dataset.source;
    if (source) {
      var layout = fig.layout = fig.layout || {};
      var margin = layout.margin = layout.margin || {};
      var bottom = margin.b === undefined ? 80 : margin.b;
      // an x axis title sits about 45–62 px under the plot whatever the margin: go below it
      var titled = layout.xaxis && layout.xaxis.title && layout.xaxis.title.text;
      if (titled) { bottom = Math.max(bottom, 60); }
      margin.b = bottom + 26;
      // the legend sits at the foot of the chart (yref "container"): lift it above the source line
      if (layout.legend && layout.legend.yref === "container" && layout.height) {
        layout.legend.y = (layout.legend.y || 0) + 24 / layout.height;
      }
      layout.annotations = (layout.annotations || []).concat([{
        text: source, xref: "paper", yref: "paper", x: 0, y: 0, xanchor: "left", yanchor: "top",
        yshift: -(bottom + 6), showarrow: false, align: "left", font: { size: 10, color: "#555555" }
      }]);
    }
    return options;
  }

  // Rotated or long tick labels push the x axis title lower than exportable() can know before drawing:
  // once drawn, measure what lies under the plot and, if the source line would cross it, move the
  // source line (and the legend above it) down and give them room. The taller margin can move the title
  // again (Plotly re-lays the ticks), so measure once more, a few times at most. The line starts at the
  // chart's left edge, not the plot's (long unit names make a wide left margin), and on a narrow screen
  // it breaks after each ';' rather than running off the chart.
  function clearSourceLine(el, Plotly, tries) {
    var notes = (el.layout && el.layout.annotations) || [];
    var k = notes.length - 1;  // exportable() adds the source line last
    var area = el.querySelector(".nsewdrag");
    if (!el.dataset.source || k < 0 || !area) { return; }
    var box = el.getBoundingClientRect();
    var plot = area.getBoundingClientRect();
    var floor = plot.bottom;
    var axis = 0;
    el.querySelectorAll(".xtick text, .g-xtitle text").forEach(function (t) {
      var r = t.getBoundingClientRect();
      if (r.height) { axis = Math.max(axis, r.bottom - floor); }
    });
    var legend = el.querySelector(".legend");
    var legendHeight = legend ? legend.getBoundingClientRect().height : 0;
    var legendTop = legend ? legend.getBoundingClientRect().top - floor : Infinity;
    var text = notes[k].text;
    var drawn = el.querySelector('.annotation[data-index="' + k + '"]');
    var width = drawn ? drawn.getBoundingClientRect().width : 0;
    if (width > box.width - 8 && text.indexOf("<br>") < 0) { text = text.replace(/; /g, ";<br>"); }
    var extra = (text.split("<br>").length - 1) * 13;  // each further line of 10 px text
    var shift = Math.min(0, Math.round(box.left - plot.left) + 4);
    var sourceTop = -notes[k].yshift;
    var clear = sourceTop >= axis + legendHeight + 6 && legendTop >= axis;
    if (clear && text === notes[k].text && shift === (notes[k].xshift || 0)) { return; }
    var update = {};
    update["annotations[" + k + "].text"] = text;
    update["annotations[" + k + "].xshift"] = shift;
    var foot = el.layout.legend;  // a legend at the foot of the chart rises by the lines the break adds
    if (text !== notes[k].text && foot && foot.yref === "container" && el.layout.height) {
      update["legend.y"] = (foot.y || 0) + extra / el.layout.height;
    }
    if (!clear || extra) {
      axis = Math.ceil(Math.max(axis, sourceTop - Math.ceil(legendHeight) - 10));
      update["margin.b"] = axis + Math.ceil(legendHeight) + 30 + extra;
      update["annotations[" + k + "].yshift"] = -(axis + Math.ceil(legendHeight) + 10);
    }
    return Plotly.relayout(el, update).then(function () {
      return tries > 1 ? clearSourceLine(el, Plotly, tries - 1) : null;
    });
  }

  function inView(el) {
    var r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < (window.innerHeight || document.documentElement.clientHeight);
  }

  function announce(el, how) {
    el.dataset.drawn = how || "1";
    el.dispatchEvent(new CustomEvent("cchc:chart-drawn", { bubbles: true }));
    var waiting = Array.prototype.filter.call(document.querySelectorAll(".plot[data-figure]"), function (p) {
      return !p.dataset.drawn && inView(p);
    });
    if (!waiting.length) { window.dispatchEvent(new CustomEvent("cchc:charts-in-view-drawn")); }
  }

  function draw(el) {
    var ready = figureOf(el);
    if (!ready) { return Promise.resolve(); }
    return ready.then(function (fig) {
      if (!fig.data || !fig.data.length) {
        el.classList.add("empty");
        el.textContent = el.dataset.empty || "—";
        announce(el);
        return;
      }
      return loadPlotly().then(function (Plotly) {
        fitToWidth(el, fig);
        var options = exportable(el, fig);
        var still = el.querySelector(".sketch");
        if (still) { still.remove(); }
        return Plotly.newPlot(el, fig.data, fig.layout || {}, options).then(function () {
          return clearSourceLine(el, Plotly, 3);
        });
      }).then(function () { announce(el); });
    });
  }

  // One chart per task: the browser can paint and answer input between two charts.
  function pump() {
    if (drawing || !queue.length) { return; }
    drawing = true;
    var el = queue.shift();
    draw(el).catch(function (error) {
      el.classList.add("empty");
      if (window.console) { console.warn(error); }
    }).then(function () {
      drawing = false;
      setTimeout(pump, 0);
    });
  }

  function request(el) {
    if (el.dataset.queued) { return; }
    el.dataset.queued = "1";
    queue.push(el);
    pump();
  }

  // A sketched chart becomes interactive on the first sign of use.
  function onFirstUse(el) {
    var events = ["pointerenter", "touchstart", "focusin"];
    function use() {
      events.forEach(function (name) { el.removeEventListener(name, use); });
      request(el);
    }
    events.forEach(function (name) { el.addEventListener(name, use, { passive: true }); });
  }

  function start() {
    var all = document.querySelectorAll(".plot[data-figure]");
    var plots = [];
    all.forEach(function (el) {
      if (el.dataset.sketch && el.querySelector(".sketch")) {
        announce(el, "sketch");
        onFirstUse(el);
      } else {
        plots.push(el);
      }
    });
    if (!plots.length) { return; }
    if (!("IntersectionObserver" in window)) {
      plots.forEach(request);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          request(entry.target);
        }
      });
    }, { rootMargin: "300px 0px" });
    plots.forEach(function (el) { observer.observe(el); });
    // Printing shows every chart.
    window.addEventListener("beforeprint", function () { plots.forEach(request); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
