// The employee's locale writes the figures (numbers, US-dollar amounts, dates) through
// the browser's Intl; the words, the legal texts and the deadline's wording stay as filed.
import { test, expect, watchCsp } from './fixtures.js';
import { portal, openPortal } from './receiver.js';

const AVERY = 'e1001-avery-lindqvist.json';
const PREVIEW = '2001-09-20T10:00:00-04:00';
const row = (page) => page.getByRole('row', { name: /H-2000-0417/ });
const nbsp = (s) => s.replace(/ /g, '[\\s\\u00a0\\u202f]');

test('fr-CA: figures in French Canadian style, words and legal text unchanged', async ({ page }) => {
  await openPortal(page, portal(AVERY, { preview_at: PREVIEW, locale: 'fr-CA' }));
  await expect(row(page)).toContainText(new RegExp(nbsp('42,50 \\$ US')));
  await expect(row(page)).toContainText(new RegExp(nbsp('12 000')));
  await expect(row(page)).toContainText('10 mars 2000');
  // The deadline as worded in the documents, and the sentence around the figures.
  await expect(page.getByText('11:59 p.m., Eastern Daylight Time, on September 27, 2001', { exact: true }).first()).toBeVisible();
  await page.getByRole('checkbox', { name: /H-2000-0417/ }).check();
  await expect(page.locator('.ew-summary')).toHaveText(new RegExp(nbsp('^Exchange 1 grant, 12 000 options, for 4 000 new options; new grant expected on or about 29 mars 2002\\.$')));
  // A price typed the French way is read.
  const price = page.getByLabel(/Assumed market price/);
  await price.fill('1,50');
  await expect(page.getByText('is not a price')).toHaveCount(0);
  await expect(page.locator('.ew-break-even')).toContainText(new RegExp(nbsp('63,00 \\$ US')));
  await expect(page.locator('.ew-root .ew')).toHaveAttribute('lang', 'en');
});

test('de-DE and en-GB write dates and numbers their way', async ({ page }) => {
  await openPortal(page, portal(AVERY, { preview_at: PREVIEW, locale: 'de-DE' }));
  await expect(row(page)).toContainText(new RegExp(nbsp('42,50 \\$')));
  await expect(row(page)).toContainText('12.000');
  await page.getByRole('checkbox', { name: /H-2000-0417/ }).check();
  const price = page.getByLabel(/Assumed market price/);
  for (const typed of ['1,50', '1.50', '2']) {
    await price.fill(typed);
    await expect(page.getByText('is not a price')).toHaveCount(0);
  }
  await openPortal(page, portal(AVERY, { preview_at: PREVIEW, locale: 'en-GB' }));
  await expect(row(page)).toContainText('10 Mar 2000');
  await expect(row(page)).toContainText('US$42.50');
});

test('without a setting the browser language is used; a malformed one is reported', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const violations = await watchCsp(context);
  const page = await context.newPage();
  await openPortal(page, portal(AVERY, { preview_at: PREVIEW }));
  await expect(row(page)).toContainText(new RegExp(nbsp('12 000')));
  await openPortal(page, portal(AVERY, { preview_at: PREVIEW, locale: 'English please' }));
  await expect(page.getByText(/config\.locale must be a BCP 47 language tag/)).toBeVisible();
  await context.close();
  expect(violations).toEqual([]);
});
