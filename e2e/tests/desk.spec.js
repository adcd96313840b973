// The HR preview desk (preview.html): files opened from disk, the validation report, the
// timing checks, the sample employees, and the widget at chosen moments; never a
// submission.
import { test, expect } from './fixtures.js';
import { readFileSync } from 'node:fs';
import { axeViolations } from './helpers.js';

const root = new URL('../../', import.meta.url);
const file = (path, change = (t) => t) => ({
  name: path.split('/').pop(),
  mimeType: 'application/json',
  buffer: Buffer.from(change(readFileSync(new URL(path, root), 'utf8'))),
});
const OFFER = 'static/offers/mpower-2001.json';
const EMPLOYEES = ['e1001-avery-lindqvist', 'e1002-jordan-okafor', 'e1003-priya-raman'].map((n) => `static/holders/${n}.json`);

test('an offer period across a daylight-saving change: each moment at its own offset, and the desk says which', async ({ page }) => {
  // Mpower's offer extended past the end of daylight time (October 28, 2001): it opened
  // under EDT and now expires under EST.
  const extended = file(OFFER, (t) => t
    .replace('"instant": "2001-09-27T23:59:00-04:00"', '"instant": "2001-11-05T23:59:00-05:00"')
    .replace('"legal_wording": "11:59 p.m., Eastern Daylight Time, on September 27, 2001"', '"legal_wording": "11:59 p.m., Eastern Standard Time, on November 5, 2001"'));
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles(extended);
  await page.getByLabel('Employee files (JSON)').setInputFiles(file(EMPLOYEES[0]));
  await expect(page.getByText(/as Avery Lindqvist would see it at 2001-11-04T23:59:00-05:00/)).toBeVisible();
  await expect(page.getByText('Read at UTC−05:00: the offset America/New_York has at that moment.')).toBeVisible();
  await page.getByRole('button', { name: 'Opening' }).click();
  // 9:00 a.m. on the first day under the opening day's offset, not the deadline's.
  await expect(page.getByText(/at 2001-08-27T09:00:00-04:00, while the offer is open/)).toBeVisible();
  await expect(page.getByText('Read at UTC−04:00: the offset America/New_York has at that moment.')).toBeVisible();
  const moment = page.getByLabel(/Moment to preview/);
  await expect(moment).toHaveValue('2001-08-27T09:00');
  await moment.fill('2001-10-29T12:00');
  await moment.dispatchEvent('change');
  await expect(page.getByText(/at 2001-10-29T12:00:00-05:00, while the offer is open/)).toBeVisible();
  await moment.fill('2001-10-27T12:00');
  await moment.dispatchEvent('change');
  await expect(page.getByText(/at 2001-10-27T12:00:00-04:00, while the offer is open/)).toBeVisible();
});

test('the Mpower offer checks out, and each employee is shown as they would see it, when chosen', async ({ page }) => {
  await page.goto('/preview.html');
  await expect(page.getByRole('heading', { level: 1, name: 'Offer preview desk' })).toBeVisible();
  await expect(page.getByText('Preview only: nothing can be submitted from this page.')).toBeVisible();
  await page.getByLabel('Offer file (JSON)').setInputFiles(file(OFFER));
  await expect(page.getByText('No problems found in mpower-2001.json: mpower-2001-option-exchange version 2.')).toBeVisible();
  await expect(page.getByText(/^Pass: Offer period: 23 business days/)).toBeVisible();
  await page.getByLabel('Employee files (JSON)').setInputFiles(EMPLOYEES.map((p) => file(p)));
  await expect(page.getByRole('button', { name: 'Avery Lindqvist (E-1001): 1 grant, 1 eligible' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Jordan Okafor \(E-1002\)/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Priya Raman \(E-1003\)/ })).toBeVisible();

  // By default: the first employee, a day before the deadline.
  await expect(page.getByText('The widget as Avery Lindqvist would see it at 2001-09-26T23:59:00-04:00, while the offer is open.')).toBeVisible();
  await expect(page.getByText('This is a preview: nothing can be signed or submitted from it.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign election' })).toBeDisabled();
  // The deadline in HR's own zone, written once the desk's page is ready.
  await expect(page.getByText(/In your time zone: \w+day, September 2[78], 2001 at /)).toBeVisible();

  await page.getByRole('button', { name: /^Jordan Okafor/ }).click();
  await page.getByRole('button', { name: 'Final hour' }).click();
  await expect(page.getByText(/as Jordan Okafor would see it at 2001-09-27T23:29:00-04:00, while the offer is open/)).toBeVisible();
  await expect(page.getByText('Less than one hour left to make or change your election.')).toBeVisible();
  await page.getByRole('button', { name: 'One minute after expiry' }).click();
  await expect(page.getByText(/after the offer expired: elections are locked\.$/)).toBeVisible();
  await expect(page.getByText('The offer has expired.', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Opening' }).click();
  await expect(page.getByText(/at 2001-08-27T09:00:00-04:00, while the offer is open/)).toBeVisible();
  // A moment outside the offer's life is accepted and labelled.
  const moment = page.getByLabel(/Moment to preview/);
  await moment.fill('2001-08-01T12:00');
  await moment.dispatchEvent('change');
  await expect(page.getByText(/at 2001-08-01T12:00:00-04:00, before the offer opened/)).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);

  // The report: downloaded as text, and printed on its own.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report' }).click()]);
  expect(download.suggestedFilename()).toBe('preview-report-mpower-2001-option-exchange-v2.txt');
  const report = Buffer.concat(await (await download.createReadStream()).toArray()).toString();
  expect(report).toContain('Disclosure digest (disclosure/v2: the legal texts and the terms that set the consideration): 73362fba484b9c12e451084064193b83ef122ff10403bdb7f6bd8278ce73e9af');
  expect(report).toContain('Legal texts digest (SHA-256 of all legal texts): 32c6ed7c3c93c1899df029617c8984cf234c8aa87a36f717603dba38649834f2');
  expect(report).toContain('2 of 3 sample employees have eligible grants.');
  expect(report).toContain('The conditions to this offer are for our benefit.');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { name: 'Preview report' })).toBeVisible();
  await expect(page.getByLabel('Offer file (JSON)')).toBeHidden();
  await expect(page.locator('.ew-desk-preview')).toBeHidden();
  expect(await axeViolations(page)).toEqual([]);
});

test('a broken offer, a file that is not JSON and an employee of another offer are each reported', async ({ page }) => {
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles({ name: 'notes.txt', mimeType: 'application/json', buffer: Buffer.from('These are my notes, not JSON.') });
  await expect(page.getByRole('alert')).toContainText('Offer file notes.txt');
  await page.getByLabel('Offer file (JSON)').setInputFiles(file(OFFER, (t) => t.replace('"opened_on": "2001-08-27"', '"opened_on": "2001-02-30"')));
  await expect(page.getByRole('alert')).toContainText('$.opened_on');
  await page.getByLabel('Offer file (JSON)').setInputFiles(file(OFFER));
  await page.getByLabel('Employee files (JSON)').setInputFiles(file(EMPLOYEES[0], (t) => t.replace('mpower-2001-option-exchange', 'acme-2024-exchange')));
  await expect(page.getByText('$.offer_id')).toBeVisible();
  await expect(page.getByText('this holder file is for the offer `acme-2024-exchange`, not for `mpower-2001-option-exchange`')).toBeVisible();
  await expect(page.getByText('Open one or more employee files to see the widget as each would.')).toBeVisible();
});

test('files can be dropped on the desk, and one over 5 MB is refused unread', async ({ page }) => {
  await page.goto('/preview.html');
  const offerText = readFileSync(new URL(OFFER, root), 'utf8');
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped-offer.json', { type: 'application/json' }));
    return dt;
  }, offerText);
  await page.locator('.ew-drop').first().dispatchEvent('drop', { dataTransfer });
  await expect(page.getByText('No problems found in dropped-offer.json: mpower-2001-option-exchange version 2.')).toBeVisible();
  await page.getByLabel('Offer file (JSON)').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(6 * 1024 * 1024, 32) });
  await expect(page.getByRole('alert')).toContainText('it is 6.0 MB; an offer or employee file may be at most 5 MB');
});

test('the desk is a bundle of its own: the employee\'s page never loads it, and the desk page loads no employee bundle', async ({ page }) => {
  const loaded = [];
  page.on('request', (request) => loaded.push(new URL(request.url()).pathname));
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();
  expect(loaded.filter((p) => p.includes('election-desk'))).toEqual([]);
  expect(loaded.some((p) => /election-widget-[0-9a-f]+_bg\.wasm$/.test(p))).toBe(true);
  loaded.length = 0;
  await page.goto('/preview.html');
  await expect(page.getByRole('heading', { level: 1, name: 'Offer preview desk' })).toBeVisible();
  expect(loaded.some((p) => /election-desk-[0-9a-f]+_bg\.wasm$/.test(p))).toBe(true);
  expect(loaded.filter((p) => /election-widget-[0-9a-f]+(\.js|_bg\.wasm)$/.test(p))).toEqual([]);
});

test('an offer that takes part of a grant: HR previews the box for how many options, and what it refuses', async ({ page }) => {
  const partial = file(OFFER, (t) => t.replace('"whole_grant": true,', '"whole_grant": false, "partial": { "minimum": 1000, "increment": 500 },'));
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles(partial);
  await expect(page.getByText(/^No problems found in mpower-2001.json/)).toBeVisible();
  await page.getByLabel('Employee files (JSON)').setInputFiles(file(EMPLOYEES[0]));
  await page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' }).check();
  const part = page.getByRole('textbox', { name: 'Options of grant H-2000-0417 to exchange' });
  await expect(part).toHaveValue('12,000');
  await expect(page.getByText('of 12,000: at least 1,000, in multiples of 500, or all')).toBeVisible();

  await part.fill('700');
  await expect(part).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Part of a grant must be at least 1,000 options, or the whole grant.')).toBeVisible();
  // Signing lists the rule the part breaks.
  await expect(page.getByText(/grant H-2000-0417: part of a grant must be at least 1,000 options/)).toBeVisible();

  await part.fill('2,500');
  await expect(part).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Exchanging 2,500 of 12,000 options.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Exchange 1 grant, 2,500 options, for 833 new options' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
});

test('an offer that takes vested and unvested options apart: HR previews the choice, and the totals follow it', async ({ page }) => {
  const portions = file(OFFER, (t) => t.replace('"whole_grant": true,', '"whole_grant": true, "portions": true,'));
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles(portions);
  await expect(page.getByText(/^No problems found in mpower-2001.json/)).toBeVisible();
  await page.getByLabel('Employee files (JSON)').setInputFiles(file(EMPLOYEES[0]));
  await page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' }).check();
  const choice = page.getByRole('combobox', { name: 'Options of grant H-2000-0417 to exchange' });
  await expect(choice.getByRole('option')).toHaveText(['All 12,000 options', 'Vested only: 6,000', 'Unvested only: 6,000']);
  await choice.selectOption({ label: 'Vested only: 6,000' });
  await expect(page.getByText('Exchanging 6,000 of 12,000 options.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Exchange 1 grant, 6,000 options, for 2,000 new options' })).toBeVisible();
  await choice.selectOption({ label: 'All 12,000 options' });
  await expect(page.getByRole('status').filter({ hasText: 'Exchange 1 grant, 12,000 options, for 4,000 new options' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
});

test('terms changed by a notice of amendment: the notice says so, the figures are the new terms, and it asks to be acknowledged', async ({ page }) => {
  // Mpower's offer at its next version: a better ratio at $25.00 or more (2 for 1, not 3),
  // set by a notice that says it changes the consideration.
  const amended = file(OFFER, (t) => {
    const offer = JSON.parse(t);
    offer.version = 3;
    offer.terms.exchange_ratio.tiers[1].old = 2;
    offer.documents.push({
      id: 'notice-ratio', kind: 'notice_of_amendment', title: 'Notice of Amendment: Exchange Ratio (illustrative)',
      date: '2001-09-13', amends: 'offer-to-exchange', changes_consideration: true,
      amendments: [{ number: 1, section: { number: '2', title: 'Number of Options' }, change: 'sentence_replaced',
        location: 'The ratio at $25.00 or more', text: 'One new option for every two options tendered at $25.00 or more.' }],
    });
    return JSON.stringify(offer);
  });
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles(amended);
  await expect(page.getByText(/^No problems found in mpower-2001.json: mpower-2001-option-exchange version 3/)).toBeVisible();
  await page.getByLabel('Employee files (JSON)').setInputFiles(file(EMPLOYEES[0]));
  await page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' }).check();
  // 12,000 options at $42.50 at the new 2 for 1.
  await expect(page.getByRole('status').filter({ hasText: 'Exchange 1 grant, 12,000 options, for 6,000 new options' })).toBeVisible();
  // Two notices of one day: each named by its title too.
  const notice = page.getByRole('region', { name: 'Amendments of September 13, 2001: Notice of Amendment: Exchange Ratio (illustrative)' });
  await expect(page.getByRole('region', { name: 'Amendments of September 13, 2001: Notice of Amendment to Offer to Exchange' })).toBeVisible();
  await expect(notice.getByText(/^This notice changes the terms that decide what you get\./)).toBeVisible();
  await expect(page.getByRole('checkbox', { name: /I have read the Notice of Amendment: Exchange Ratio \(illustrative\)/ })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
});

test('an offer that excludes officers: HR sees the officer has no eligible grant, and why', async ({ page }) => {
  const excluding = file(OFFER, (t) => t.replace('"granted_before": "2001-08-27"', '"granted_before": "2001-08-27", "excluded_holders": { "officers": true }'));
  const officer = file(EMPLOYEES[0], (t) => t.replace('"name": "Avery Lindqvist"', '"name": "Avery Lindqvist", "officer": true'));
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles(excluding);
  await expect(page.getByText(/^No problems found in mpower-2001.json/)).toBeVisible();
  await page.getByLabel('Employee files (JSON)').setInputFiles(officer);
  await expect(page.getByRole('button', { name: 'Avery Lindqvist (E-1001): 1 grant, 0 eligible' })).toBeVisible();
  await expect(page.getByText('Not eligible: executive officers may not take part in this offer.')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: /^Exchange grant/ })).toHaveCount(0);
});

test('the second example offer and its three employees load in the desk', async ({ page }) => {
  const dir = 'static/example-offers/halden-2001';
  const people = ['e2101-rosa-delgado', 'e2102-tomasz-wierzbicki', 'e2103-giulia-ferri'];
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles(file(`${dir}/offer.json`));
  await expect(page.getByText('No problems found in offer.json: halden-2001-rsu-exchange version 1.')).toBeVisible();
  await expect(page.getByText(/^Pass: Offer period: 21 business days/)).toBeVisible();
  await page.getByLabel('Employee files (JSON)').setInputFiles(people.map((p) => file(`${dir}/holders/${p}.json`)));
  await expect(page.getByRole('button', { name: 'Rosa Delgado (E-2101): 3 grants, 3 eligible' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Tomasz Wierzbicki (E-2102): 1 grant, 0 eligible' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Giulia Ferri (E-2103): 4 grants, 1 eligible' })).toBeVisible();
});

test('a grants export (CSV) lists its employees; its problems are named by row and column; an offer problem comes with its schema note', async ({ page }) => {
  await page.goto('/preview.html');
  const header = 'employee_id,name,email,grant_id,plan,grant_date,exercise_price,outstanding,vested,expiration_date';
  const rows = [
    'E-7001,Ana Alves,ana@example.com,G-1,holding,2000-03-10,42.50,"1,200",600,2010-03-10',
    'E-7001,Ana Alves,ana@example.com,G-2,pnh,2000-04-10,12.00,300,300,2010-04-10',
    'E-7002,Ben Bauer,,G-3,holding,2000-05-10,3.00,100,100,2010-05-10',
  ];
  const csv = (lines) => ({ name: 'grants.csv', mimeType: 'text/csv', buffer: Buffer.from(`${[header, ...lines].join('\r\n')}\r\n`) });
  await page.getByLabel('Offer file (JSON)').setInputFiles(file(OFFER));
  await page.getByLabel('Employee files (JSON) or a grants export (CSV)').setInputFiles(csv(rows));
  const list = page.getByRole('list').filter({ has: page.getByRole('button', { name: /Ana Alves/ }) });
  await expect(list.getByRole('button', { name: 'Ana Alves (E-7001): 2 grants, 2 eligible' })).toBeVisible();
  await expect(list.getByRole('button', { name: 'Ben Bauer (E-7002): 1 grant, 0 eligible' })).toBeVisible();
  await expect(page.getByText(/as Ana Alves would see it/)).toBeVisible();

  // A bad row: named by row and column, and no employee of the file is previewed.
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles(file(OFFER));
  await page.getByLabel('Employee files (JSON) or a grants export (CSV)').setInputFiles(csv([rows[0], rows[1].replace('2000-04-10', '2000-02-30')]));
  const report = page.getByRole('region', { name: 'Grants export' });
  await expect(report.getByRole('heading')).toHaveText('Grants export grants.csv: 1 problem');
  await expect(report.getByRole('listitem')).toHaveText('row 3, column `grant_date`: `2000-02-30` is not a date on the calendar');

  // An offer problem, with what the schema says of the member and a link to the schema.
  await page.goto('/preview.html');
  await page.getByLabel('Offer file (JSON)').setInputFiles(file(OFFER, (t) => t.replace('"rounding": "down"', '"rounding": "sideways"')));
  const problem = page.getByRole('listitem').filter({ hasText: '$.terms.exchange_ratio.rounding' });
  await expect(problem.getByText(/^In the schema: /)).toBeVisible();
  const link = problem.getByRole('link', { name: 'See the schema' });
  await expect(link).toHaveAttribute('href', 'schemas/offer.schema.json');
  const schema = await page.request.get(`/${await link.getAttribute('href')}`);
  expect(schema.ok()).toBe(true);
  expect((await schema.json()).title).toBe('Offer');
  expect(await axeViolations(page)).toEqual([]);
});
