#!/usr/bin/env bash
# Rebuild the partial plotly.js bundle into static/vendor/plotly/.
#
# The built files are committed, so the site runs where node/npm are absent;
# run this only to change the trace list (index.js) or bump plotly.js
# (package.json: exact version, then `npm install` to refresh package-lock.json).
#
# Needs node >= 18 and npm, with access to the npm registry.
set -euo pipefail
cd "$(dirname "$0")"

# Exact, locked dependency tree (plotly.js + esbuild from package-lock.json).
npm ci --no-audit --no-fund

node build.mjs

out=../../static/vendor/plotly/plotly-cchc.min.js
full=node_modules/plotly.js/dist/plotly.min.js
printf 'bundle   : %8d bytes raw, %8d gzip\n' "$(wc -c <"$out")" "$(gzip -9c "$out" | wc -c)"
printf 'full dist: %8d bytes raw, %8d gzip\n' "$(wc -c <"$full")" "$(gzip -9c "$full" | wc -c)"
