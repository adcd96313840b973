// The employee's byte budget (e2e/budget.js): every script and wasm file the default page
// fetches before its ready mark, at the size the page server sends it (the build's
// brotli copy), summed and held to the ceiling in force. Sizes are deterministic, so this
// is a test; how fast the page is belongs to `make bench`.
import { test, expect } from '@playwright/test';
import { BUDGET } from '../budget.js';
import { fetchedScripts, moduleFiles, servedSize } from '../loaded.js';

test(`the default page loads at most ${BUDGET.limitKB} KB brotli of script and wasm before it is ready`, async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByRole('table')).toBeVisible();
  await page.waitForFunction(() => performance.getEntriesByName('election-widget:ready').length > 0);
  const before = (await fetchedScripts(page)).filter((f) => f.beforeReady);
  // The page cannot be ready without its wasm: an empty list would be a broken measure.
  expect(before.some((f) => f.path.endsWith('_bg.wasm'))).toBe(true);
  const parts = before.map(({ path }) => ({ path, brotli: servedSize(path) }));
  const total = parts.reduce((sum, p) => sum + p.brotli, 0);
  const table = parts.map((p) => `${p.path}: ${(p.brotli / 1024).toFixed(1)} KB`).join('\n');
  await info.attach('loaded before ready', { body: `${table}\ntotal: ${(total / 1024).toFixed(1)} KB brotli`, contentType: 'text/plain' });
  expect(total / 1024, `loaded before ready (brotli):\n${table}`).toBeLessThanOrEqual(BUDGET.limitKB);
});

test("the standalone page never fetches the embeds' code, the desk's or, in a preview, signing's; the sections below the grants come after ready", async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('table')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Terms of the exchange' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  const fetched = await fetchedScripts(page);
  const paths = fetched.map((f) => f.path);
  expect(paths.some((p) => p.endsWith('_bg.wasm')), paths.join('\n')).toBe(true);
  // The sections below the grants: their module and its chunks, each after the ready mark.
  const below = moduleFiles('below');
  expect(below.length).toBeGreaterThan(0);
  for (const file of below) {
    const f = fetched.find((x) => x.path === file);
    expect(f, `${file} was not fetched:\n${paths.join('\n')}`).toBeTruthy();
    expect(f.beforeReady, `${file} was fetched before the ready mark`).toBe(false);
  }
  // The default page is a preview (it never starts a courier): no other module.
  const others = paths.filter((p) => !below.includes(p) && /-(below|element|frame|delivery|chunk_\d+)\.wasm$|election-desk/.test(p));
  expect(others, paths.join('\n')).toEqual([]);
});
