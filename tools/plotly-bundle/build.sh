#!/bin/sh
# Builds components/assets/vendor/plotly-dashboard.min.js: plotly.js with only the trace types the
# dashboard draws (scatter, which plotly.js's core always holds, bar and heatmap), from the npm packages
# pinned in package.json and package-lock.json (npm ci: exactly those versions and integrity hashes).
#
#     sh tools/plotly-bundle/build.sh          # needs node and npm; writes the bundle, prints its sha256
#
# Then record the printed versions and sha256 in components/assets/vendor/README.md. A new trace type in
# components/figures.py: add its lib/ module to entry.js (tests/unit/test_assets.py fails until then).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../../components/assets/vendor"
out="$vendor/plotly-dashboard.min.js"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
# esbuild's binary comes from its platform package (installed by npm ci); its install script, skipped
# above, only checks that binary.
plotly=$(node -p "require('plotly.js/package.json').version")
esbuild=$(node -p "require('esbuild/package.json').version")

# The options of plotly.js's own esbuild-config.js (minus the plugins for WebGL shaders and map styles,
# which these traces do not use), minified like its dist bundles.
npx --no-install esbuild entry.js \
    --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
    --define:global=window --define:define.amd=false --loader:.css=empty \
    --legal-comments=eof --log-level=warning --outfile=bundle.js

{
    printf '/**\n* plotly.js (dashboard - minified) v%s\n' "$plotly"
    printf '* scatter bar heatmap: built by tools/plotly-bundle/build.sh with esbuild %s\n' "$esbuild"
    printf '* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n* Licensed under the MIT license\n*/\n'
    cat bundle.js
    printf 'window.Plotly = Plotly;\n'
} > "$out"

echo "plotly.js $plotly, esbuild $esbuild"
echo "plotly.js integrity $(node -p "require('./package-lock.json').packages['node_modules/plotly.js'].integrity")"
echo "$(sha256sum "$out" | cut -d' ' -f1)  $(wc -c < "$out") bytes  components/assets/vendor/plotly-dashboard.min.js"
