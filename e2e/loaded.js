// What a page fetched, for the byte budget (tests/budget.spec.js) and `make bench`: the
// page's own scripts and wasm, each once, with when its fetch started and whether that
// was before the widget's ready mark; and each file's size as the page server sends it
// (the build's brotli and gzip copies, scripts/precompress.mjs).
import { readFileSync } from 'node:fs';

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
