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
