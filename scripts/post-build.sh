#!/bin/sh
# Trunk post-build hook: writes `election-widget.js`, the stable entry a portal loads
# (<script type="module" src=".../election-widget.js">). It imports the content-hashed
# bundle Trunk just built, so the portal's tag never changes while the bundle's files
# stay cacheable forever.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk}"
js=$(cd "$dir" && ls election-widget-*.js | grep -v '_bg' | head -n 1)
wasm=$(cd "$dir" && ls election-widget-*_bg.wasm | head -n 1)
cat > "$dir/election-widget.js" <<JS
// The stable entry for portals: registers <election-widget> (docs/EMBEDDING.md).
// Generated at build time; it loads the content-hashed bundle beside it.
import init from './$js';
await init({ module_or_path: new URL('./$wasm', import.meta.url) });
JS

# The HR preview desk's own bundle (preview.html only): Trunk builds it as a "worker",
# whose files keep the binary's plain name, so they are given content-hashed names here
# (cacheable for good, like the employee's bundle) and loaded by election-desk.js.
desk_hash=$(cat "$dir/election-desk.js" "$dir/election-desk_bg.wasm" | sha256sum | cut -c1-16)
desk_js="election-desk-$desk_hash.js"
desk_wasm="election-desk-${desk_hash}_bg.wasm"
mv "$dir/election-desk.js" "$dir/$desk_js"
mv "$dir/election-desk_bg.wasm" "$dir/$desk_wasm"
cat > "$dir/election-desk.js" <<JS
// The HR preview desk's entry (preview.html). Generated at build time; it loads the
// desk's content-hashed bundle beside it.
import init from './$desk_js';
await init({ module_or_path: new URL('./$desk_wasm', import.meta.url) });
JS
desk_preload="<link rel=\"modulepreload\" href=\"$desk_js\" /><link rel=\"preload\" href=\"$desk_wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" />"

# The bundle's preloads, where each page marks them (Trunk injects no script: the pages'
# Content-Security-Policy allows no inline script, so the loader is the file above).
preload="<link rel=\"modulepreload\" href=\"$js\" /><link rel=\"preload\" href=\"$wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" />"
sed -i "s|<!-- election-widget:preload -->|$preload|" "$dir/index.html"

# The iframe embed page: embed.html with the content-hashed stylesheet's name.
css=$(cd "$dir" && ls widget-*.css | head -n 1)
src="${TRUNK_SOURCE_DIR:-.}"
sed -e "s|href=\"widget.css\"|href=\"$css\"|" -e "s|<!-- election-widget:preload -->|$preload|" "$src/embed.html" > "$dir/embed.html"
# The HR preview desk's page, likewise.
sed -e "s|href=\"widget.css\"|href=\"$css\"|" -e "s|<!-- election-desk:preload -->|$desk_preload|" "$src/preview.html" > "$dir/preview.html"

# The service worker (service-worker.js): this build's id and its shell files.
build=$(echo "$js $wasm $css $desk_js" | sha256sum | cut -c1-16)
shell=$(cd "$dir" && { echo "./"; echo "index.html"; echo "embed.html"; echo "preview.html"; echo "election-widget.js"; ls election-widget-*.js election-widget-*_bg.wasm widget-*.css; find snippets -name '*.js'; } \
  | awk 'BEGIN { printf "[" } { printf "%s\"%s\"", (NR > 1 ? ", " : ""), $0 } END { printf "]" }')
# The desk's bundle is not in the shell (employees never need it): the worker keeps it
# once the desk page has loaded it.
on_demand=$(printf '["election-desk.js", "%s", "%s"]' "$desk_js" "$desk_wasm")
sed -e "s|__BUILD__|$build|" -e "s|__SHELL__|$shell|" -e "s|__ON_DEMAND__|$on_demand|" "$src/service-worker.js" > "$dir/sw.js"

# Brotli and gzip copies of the build's scripts, wasm and stylesheets, which the page
# server sends as they are (scripts/precompress.mjs).
node "$src/scripts/precompress.mjs" "$dir"
