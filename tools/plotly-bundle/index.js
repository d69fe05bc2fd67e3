'use strict';

// Partial plotly.js bundle for the CCHC dashboard.
//
// Why a custom bundle: the full dist/plotly.min.js is ~4.8 MB and ships
// ~50 trace types (WebGL, 3D, maplibre tiles, ...). The dashboard only draws
// the four trace types registered below, so we build from plotly's
// trace-less core and register exactly those. Adding a trace type to a page
// means adding it here and re-running build.sh.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    // line charts (mode "lines+markers") and filled polygons (fill "toself")
    require('plotly.js/lib/scatter'),
    // horizontal bar rankings (orientation "h")
    require('plotly.js/lib/bar'),
    // score distributions
    require('plotly.js/lib/box'),
    // provincial map: choropleth on a `geo` subplot with a custom GeoJSON
    require('plotly.js/lib/choropleth'),
    // Vietnamese month/day names; only used when a page sets config.locale = "vi"
    require('plotly.js/lib/locales/vi')
]);

// Keep topojson requests on-site.
//
// A `geo` subplot downloads a world topojson whenever a layout.geo.show* layer
// is on OR any trace has a `locationmode` -- and a choropleth with a custom
// `geojson` gets locationmode "geojson-id" by default, so it fetches even with
// geo.visible = false (see src/plots/geo/geo.js, Geo.prototype.plot). The
// default source is https://cdn.plot.ly/un/. We point the *global default*
// `topojsonURL` at the `topojson/` folder next to this file, so that every
// page is safe without having to remember a per-plot config option; a page
// can still override it with config.topojsonURL.
//
// document.currentScript is the <script> element while this classic script
// is executing (also with `defer`). Resolving "topojson/" against its src
// also works when the static storage serves a hashed file name
// (plotly-cchc.min.<hash>.js), because the topojson files are referenced by
// their plain names, which Django's manifest storage keeps as well.
var script = typeof document !== 'undefined' ? document.currentScript : null;
if (script && script.src) {
    Plotly.setPlotConfig({ topojsonURL: new URL('topojson/', script.src).href });
}

module.exports = Plotly;
