// Builds static/vendor/plotly/ from the pinned plotly.js in node_modules:
//   plotly-cchc.min.js   the partial bundle (see index.js for the trace list)
//   topojson/*.json      topojson the geo subplot loads instead of cdn.plot.ly
//   LICENSE.txt          plotly.js MIT licence + licences of bundled packages
// Run through build.sh, which installs the exact locked dependencies first.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../../static/vendor/plotly');
const plotlyDir = path.dirname(require.resolve('plotly.js/package.json'));
const plotlyVersion = require('plotly.js/package.json').version;

// Topojson files to ship. The geo subplot fetches `<scope>_<resolution>m.json`;
// the default is world_110m. asia_110m is a 4x smaller option for a page that
// sets layout.geo.scope = "asia". Add names here if a page uses another scope
// or resolution 50.
const TOPOJSON = ['world_110m', 'asia_110m'];

fs.mkdirSync(path.join(outDir, 'topojson'), { recursive: true });

// src/registry.js `require`s maplibre-gl's stylesheet, but only runs that line
// when a `map` trace (scattermap, choroplethmap, ...) is registered, which this
// bundle never does. Resolve it to an empty module so esbuild neither emits an
// 80 kB plotly-cchc.min.css nor lists maplibre-gl in the licence notice.
const skipMaplibreCss = {
    name: 'skip-maplibre-css',
    setup(b) {
        b.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, (args) => ({
            path: args.path,
            namespace: 'empty'
        }));
        b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '', loader: 'js' }));
    }
};

// Mirror plotly's own esbuild settings (node_modules/plotly.js/esbuild-config.js)
// minus its CSS/GLSL plugins, which only the WebGL and maplibre traces need.
const result = await build({
    entryPoints: [path.join(here, 'index.js')],
    outfile: path.join(outDir, 'plotly-cchc.min.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly', // classic <script> => window.Plotly, like dist/plotly.min.js
    target: 'es2016',
    define: { global: 'window', 'define.amd': 'false' },
    legalComments: 'none', // collected into LICENSE.txt below instead
    banner: {
        js:
            `/*! plotly.js v${plotlyVersion} partial build (scatter, bar, box, choropleth)` +
            ' | MIT License, Copyright (c) Plotly, Inc. | see LICENSE.txt */'
    },
    plugins: [skipMaplibreCss],
    metafile: true,
    logLevel: 'info'
});

// plotly.js (since v3.1) no longer ships topojson as separate files on npm; the
// same data, built from UN + Natural Earth geodata, is in dist/plotly-geo-assets.js,
// which plotly's docs offer as the offline alternative to cdn.plot.ly. That file
// is 5 MB and overwrites window.Plotly, so we extract just the JSON we need from it.
globalThis.window = {};
const geoAssets = require('plotly.js/dist/plotly-geo-assets.js');
for (const name of TOPOJSON) {
    const topo = geoAssets.topojson[name];
    if (!topo) throw new Error(`plotly-geo-assets.js has no topojson named ${name}`);
    fs.writeFileSync(path.join(outDir, 'topojson', `${name}.json`), JSON.stringify(topo));
}

// Licence notice: plotly.js's MIT licence, then every npm package that ended up
// in the bundle with its declared licence (taken from the esbuild metafile).
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
    if (!m) continue;
    const pkgPath = m.join('').replace(/\/$/, '');
    const pkg = JSON.parse(fs.readFileSync(path.join(here, pkgPath, 'package.json'), 'utf8'));
    packages.set(`${pkg.name}@${pkg.version}`, pkg.license || 'UNKNOWN');
}
const lines = [...packages].sort().map(([id, lic]) => `  ${id}  (${lic})`);
fs.writeFileSync(
    path.join(outDir, 'LICENSE.txt'),
    [
        `plotly-cchc.min.js is a partial build of plotly.js v${plotlyVersion}`,
        '(https://github.com/plotly/plotly.js), made by tools/plotly-bundle/build.sh.',
        `topojson/*.json are extracted from plotly.js v${plotlyVersion} dist/plotly-geo-assets.js.`,
        '',
        'plotly.js licence:',
        '',
        fs.readFileSync(path.join(plotlyDir, 'LICENSE'), 'utf8').trim(),
        '',
        'npm packages included in the bundle (name@version (licence)):',
        ...lines,
        ''
    ].join('\n')
);

for (const f of ['plotly-cchc.min.js', ...TOPOJSON.map((n) => `topojson/${n}.json`)]) {
    console.log(`${f}: ${fs.statSync(path.join(outDir, f)).size} bytes`);
}
