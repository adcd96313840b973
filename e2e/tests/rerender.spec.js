// What renders again, and what does not: the grant rows are components of their own, so
// that only the rows whose state changes render again (widget.spec.js has the toggle's
// case). Here, the sections below the grants arriving just after ready.
import { test, expect } from './fixtures.js';

test('the sections below the grants arriving after ready render no grant row again', async ({ page }) => {
  // Their module held back until the rows are marked, as a slow connection would.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/-below\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  const boxes = page.getByRole('checkbox', { name: /^Exchange grant / });
  await expect(boxes.first()).toBeVisible();
  await expect(page.getByText(/^Listing grants/)).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Terms of the exchange' })).toHaveCount(0);
  // Every box ticked behind Yew's back: a row rendered again would untick its box.
  const ticked = await page.evaluate(() => {
    const all = [...document.querySelectorAll('.ew-grants-table tbody input[type=checkbox]')];
    for (const el of all) el.checked = true;
    return all.length;
  });
  expect(ticked).toBeGreaterThan(10);
  release();
  await expect(page.getByRole('heading', { name: 'Terms of the exchange' })).toBeVisible();
  const still = await page.evaluate(() =>
    [...document.querySelectorAll('.ew-grants-table tbody input[type=checkbox]')].filter((el) => el.checked).length);
  expect(still).toBe(ticked);
});
