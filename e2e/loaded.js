// What a page fetched, for the byte budget (tests/budget.spec.js) and `make bench`: the
// page's own scripts and wasm, each once, with when its fetch started and whether that
// was before the widget's ready mark; and each file's size as the page server sends it
// (the build's brotli and gzip copies, scripts/precompress.mjs).
import { readFileSync, readdirSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);

/** The page's same-origin .js and .wasm fetches so far: `{ path, start, beforeReady }`. */
export async function fetchedScripts(page) {
  return page.evaluate(() => {
    const ready = performance.getEntriesByName('election-widget:ready')[0]?.startTime ?? Infinity;
    const seen = new Set();
    return performance.getEntriesByType('resource').flatMap((e) => {
      const url = new URL(e.name);
      const path = url.pathname;
      if (url.origin !== location.origin || !/\.(js|wasm)$/.test(path) || seen.has(path)) return [];
      seen.add(path);
      return [{ path, start: e.startTime, beforeReady: e.startTime < ready }];
    });
  });
}

/** The bytes the page server sends for `path` to a browser that accepts `encoding` ('br'
 *  or 'gz'): the build's copy beside the file. A build without one is an error naming it. */
export function servedSize(path, encoding = 'br') {
  const copy = new URL(`.${path}.${encoding}`, dist);
  try {
    return readFileSync(copy).length;
  } catch (e) {
    throw new Error(`the build wrote no ${encoding} copy of ${path} (${copy.pathname}): ${e.message}`);
  }
}

/** The files the build's split loader fetches for split module `name` ('below',
 *  'delivery', 'element', 'frame'): the module's own and the chunks it shares with
 *  others, as paths. Read off the loader the build wrote, as scripts/build-widget.mjs
 *  does; a loader without that module is an error naming it. */
export function moduleFiles(name) {
  const loaderName = readdirSync(dist).find((f) => /^election-widget-[0-9a-f]+-split\.js$/.test(f));
  if (!loaderName) throw new Error('the build wrote no split loader (election-widget-<hash>-split.js)');
  const loader = readFileSync(new URL(loaderName, dist), 'utf8');
  const fileOf = (load) => {
    const m = loader.match(new RegExp(`${load} = (?:wrapAsyncCb\\()?makeLoad\\(\\(\\) => \\{\\s*const src = fetch\\(new URL\\("\\./([^"]+)"`));
    if (!m) throw new Error(`the split loader ${loaderName}: no file for ${load}`);
    return `/${m[1]}`;
  };
  const load = `__wasm_split_load_${name}`;
  const deps = loader.match(new RegExp(`${load} = wrapAsyncCb\\(makeLoad\\([\\s\\S]*?\\n, \\[([^\\]]*)\\]\\)\\)`));
  if (!deps) throw new Error(`the split loader ${loaderName}: no module ${name}`);
  const chunks = deps[1].split(',').map((d) => d.trim()).filter(Boolean);
  return [fileOf(load), ...chunks.map(fileOf)];
}
