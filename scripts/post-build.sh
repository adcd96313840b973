#!/bin/sh
# Trunk post-build hook: builds the employee's bundle (scripts/build-widget.mjs) and
# writes `election-widget.js`, the stable entry a portal loads
# (<script type="module" src=".../election-widget.js">). It imports the content-hashed
# bundle, so the portal's tag never changes while the bundle's files stay cacheable
# forever. Then the desk's entry, the pages' preloads, the service worker and the
# precompressed copies.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk}"
src="${TRUNK_SOURCE_DIR:-.}"
# The employee's bundle: built here, not by Trunk's Rust pipeline, because it is split in
# two (the code after the first render in a module of its own; scripts/build-widget.mjs).
set -- $(node "$src/scripts/build-widget.mjs" "$dir")
js=$1 wasm=$2 split=$3 frame_files=$4
cat > "$dir/election-widget.js" <<JS
// The stable entry for portals: registers <election-widget> (docs/EMBEDDING.md).
// Generated at build time; it loads the content-hashed bundle beside it.
import init from './$js';
await init({ module_or_path: new URL('./$wasm', import.meta.url) });
JS

# The HR preview desk's own bundle (preview.html only), built by Trunk with
# content-hashed names (cacheable for good, like the employee's bundle); its stable entry
# is election-desk.js.
desk_js=$(cd "$dir" && ls election-desk-*.js | grep -v '_bg' | head -n 1)
desk_wasm=$(cd "$dir" && ls election-desk-*_bg.wasm | head -n 1)
cat > "$dir/election-desk.js" <<JS
// The HR preview desk's entry (preview.html). Generated at build time; it loads the
// desk's content-hashed bundle beside it.
import init from './$desk_js';
await init({ module_or_path: new URL('./$desk_wasm', import.meta.url) });
JS
desk_preload="<link rel=\"modulepreload\" href=\"$desk_js\" /><link rel=\"preload\" href=\"$desk_wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" />"

# The bundle's preloads, where each page marks them (Trunk injects no script: the pages'
# Content-Security-Policy allows no inline script, so the loader is the file above).
# The split loader is imported by the bindings: preloaded too, so it is not a round trip
# after them. The modules after the first render are not preloaded (they would take
# bandwidth from the first screen); they are fetched when the page first needs them.
preload="<link rel=\"modulepreload\" href=\"$js\" /><link rel=\"modulepreload\" href=\"$split\" /><link rel=\"preload\" href=\"$wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" />"
sed -i "s|<!-- election-widget:preload -->|$preload|" "$dir/index.html"

# The iframe embed page: embed.html with the content-hashed stylesheet's name.
css=$(cd "$dir" && ls widget-*.css | head -n 1)
# The frame's own module (and the chunks it shares) is preloaded there too: the embed
# page always needs it, right after the first module.
frame_preload=$(echo "$frame_files" | tr ',' '\n' | while read -r f; do printf '<link rel="preload" href="%s" as="fetch" type="application/wasm" crossorigin="anonymous" />' "$f"; done)
sed -e "s|href=\"widget.css\"|href=\"$css\"|" -e "s|<!-- election-widget:preload -->|$preload$frame_preload|" "$src/embed.html" > "$dir/embed.html"
# The HR preview desk's page, likewise.
sed -e "s|href=\"widget.css\"|href=\"$css\"|" -e "s|<!-- election-desk:preload -->|$desk_preload|" "$src/preview.html" > "$dir/preview.html"
# HR's results page, from the same bundle.
sed -e "s|href=\"widget.css\"|href=\"$css\"|" -e "s|<!-- election-desk:preload -->|$desk_preload|" "$src/results.html" > "$dir/results.html"

# The service worker (service-worker.js): this build's id and its shell files.
build=$(echo "$js $wasm $css $desk_js" | sha256sum | cut -c1-16)
shell=$(cd "$dir" && { echo "./"; echo "index.html"; echo "embed.html"; echo "preview.html"; echo "election-widget.js"; ls election-widget-*.js election-widget-*.wasm widget-*.css; find snippets -name '*.js'; } \
  | awk 'BEGIN { printf "[" } { printf "%s\"%s\"", (NR > 1 ? ", " : ""), $0 } END { printf "]" }')
# The desk's bundle is not in the shell (employees never need it): the worker keeps it
# once the desk page has loaded it.
on_demand=$(printf '["election-desk.js", "%s", "%s"]' "$desk_js" "$desk_wasm")
sed -e "s|__BUILD__|$build|" -e "s|__SHELL__|$shell|" -e "s|__ON_DEMAND__|$on_demand|" "$src/service-worker.js" > "$dir/sw.js"

# Brotli and gzip copies of the build's scripts, wasm and stylesheets, which the page
# server sends as they are (scripts/precompress.mjs).
node "$src/scripts/precompress.mjs" "$dir"
