/* Draw every Plotly chart of the page from the figure the server wrote with json_script.
   <div class="plot" data-figure="ID"> reads <script id="ID" type="application/json">{data, layout}</script>;
   data-geojson="URL" makes choropleth traces use the shapes fetched from URL (same site). */
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false, locale: document.documentElement.lang || "vi" };
  var geojsonCache = {};

  function fetchGeojson(url) {
    if (!geojsonCache[url]) {
      geojsonCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("geojson " + r.status); }
        return r.json();
      });
    }
    return geojsonCache[url];
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    var ready = Promise.resolve(figure);
    if (el.dataset.geojson) {
      ready = fetchGeojson(el.dataset.geojson).then(function (geojson) {
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
    return ready.then(function (fig) {
      if (!fig.data || !fig.data.length) {
        el.classList.add("empty");
        el.textContent = el.dataset.empty || "—";
        return;
      }
      return Plotly.newPlot(el, fig.data, fig.layout || {}, config);
    });
  }

  function drawAll() {
    document.querySelectorAll(".plot[data-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
