// Trunk post-build step (scripts/post-build.sh): writes a brotli (quality 11) and a gzip
// (level 9) copy beside every script, wasm and stylesheet the build wrote, so the page
// server (`election-receiver pages`) sends them as they are instead of compressing each
// request on the fly, at a quality on-the-fly compression cannot afford. Only the
// build's own output: pages and data files are edited where they are served, and a
// stale compressed copy beside one would be served in its place.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node scripts/precompress.mjs DIST_DIR');
let files = 0;
for (const file of readdirSync(dir, { recursive: true })) {
  if (!/\.(js|wasm|css)$/.test(file) || file.startsWith('examples')) continue;
  const path = join(dir, file);
  const bytes = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      [constants.BROTLI_PARAM_MODE]: file.endsWith('.wasm') ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  }));
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  files += 1;
}
console.log(`precompressed ${files} files (brotli, gzip)`);
