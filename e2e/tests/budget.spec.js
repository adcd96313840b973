// The employee's byte budget (e2e/budget.js): every script and wasm file the default page
// fetches before its ready mark, brotli-compressed as the page server sends it, summed
// and held to the ceiling in force. Sizes are deterministic, so this is a test; how fast
// the page is belongs to `make bench`.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { test, expect } from '@playwright/test';
import { BUDGET } from '../budget.js';

const dist = new URL('../../dist/', import.meta.url);

function brotliBytes(path) {
  const bytes = readFileSync(new URL(`.${path}`, dist));
  return brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

test(`the default page loads at most ${BUDGET.limitKB} KB brotli of script and wasm before it is ready`, async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByRole('table')).toBeVisible();
  await page.waitForFunction(() => performance.getEntriesByName('election-widget:ready').length > 0);
  const fetched = await page.evaluate(() => {
    const ready = performance.getEntriesByName('election-widget:ready')[0].startTime;
    return performance.getEntriesByType('resource')
      .filter((e) => e.startTime < ready && new URL(e.name).origin === location.origin)
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith('.js') || p.endsWith('.wasm'));
  });
  // The page cannot be ready without its wasm: an empty list would be a broken measure.
  expect(fetched.some((p) => p.endsWith('_bg.wasm'))).toBe(true);
  const parts = [...new Set(fetched)].map((path) => ({ path, brotli: brotliBytes(path) }));
  const total = parts.reduce((sum, p) => sum + p.brotli, 0);
  const table = parts.map((p) => `${p.path}: ${(p.brotli / 1024).toFixed(1)} KB`).join('\n');
  await info.attach('loaded before ready', { body: `${table}\ntotal: ${(total / 1024).toFixed(1)} KB brotli`, contentType: 'text/plain' });
  expect(total / 1024, `loaded before ready (brotli):\n${table}`).toBeLessThanOrEqual(BUDGET.limitKB);
});
