import { test, expect } from './fixtures.js';
import { offerJson, holderJson, serveJson, axeViolations, refuseModule } from './helpers.js';

const offer = offerJson();
const notice = offer.documents.find((d) => d.kind === 'notice_of_amendment');

test.describe('the default Mpower page', () => {
  test('shows the offer, its amendments verbatim and the employee grants', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Option Exchange Program' })).toBeVisible();
    await expect(page.getByText('Mpower Holding Corporation', { exact: true })).toBeVisible();
    // The deadline, in the offer's facts first, and again where the employee signs.
    const deadline = page.getByText('11:59 p.m., Eastern Daylight Time, on September 27, 2001', { exact: true });
    await expect(deadline.first()).toBeVisible();
    await expect(page.getByRole('region', { name: 'Review and sign' }).getByText('11:59 p.m., Eastern Daylight Time, on September 27, 2001', { exact: true })).toBeVisible();

    // The amendments, under their section headings, word for word.
    await expect(page.getByRole('heading', { name: 'Amendments of September 13, 2001' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Section 7. Conditions of the Offer' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Section 17. Forward Looking Statements; Miscellaneous' })).toBeVisible();
    for (const amendment of notice.amendments) {
      await expect(page.getByText(amendment.text, { exact: true })).toBeVisible();
    }

    // The grants, as a table a screen reader can name and walk.
    const holder = holderJson('e1002-jordan-okafor.json');
    const table = page.getByRole('table', { name: `${holder.grants.length} option grants held by Jordan Okafor` });
    await expect(table).toBeVisible();
    await expect(table.getByRole('columnheader')).toHaveText([
      'Exchange', 'Grant', 'Plan', 'Granted', 'Exercise price', 'Outstanding', 'Vested', 'Expires', 'New options', 'Status',
    ]);
    await expect(table.locator('tbody').getByRole('row')).toHaveCount(holder.grants.length);
    const first = holder.grants[0];
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: first.id, exact: true }) });
    await expect(row.getByRole('cell').nth(1)).toHaveText('Holding Plan');
    await expect(row.getByRole('cell').nth(3)).toHaveText('$6.25');

    await page.screenshot({ path: 'artifacts/default-page.png', fullPage: true });
  });

  test('marks every illustrative term and the sample employee', async ({ page }) => {
    await page.goto('/');
    const terms = page.getByRole('region', { name: 'Terms of the exchange' });
    await expect(terms.getByText('Illustrative', { exact: true })).toHaveCount(5);
    await expect(page.getByText('fictional sample employee')).toBeAttached();
  });

  test('passes an axe-core audit', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('table')).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
  });

  test('the grants table can be reached and scrolled by keyboard', async ({ page }) => {
    await page.goto('/');
    const region = page.getByRole('region', { name: /option grants held by/ });
    await expect(region).toBeVisible();
    for (let i = 0; i < 10 && !(await region.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(region).toBeFocused();
    await page.keyboard.press('PageDown');
    await expect.poll(() => region.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  });
});

test('another employee by URL: a single grant', async ({ page }) => {
  await page.goto('/?holder=holders/e1001-avery-lindqvist.json');
  const table = page.getByRole('table', { name: '1 option grant held by Avery Lindqvist' });
  await expect(table.locator('tbody').getByRole('row')).toHaveText([
    /H-2000-0417\s*Holding Plan\s*Mar 10, 2000\s*\$42\.50\s*12,000\s*6,000\s*Mar 10, 2010\s*4,000\s*Eligible\./,
  ]);
});

test.describe('bad data gets the error panel, never a blank page', () => {
  test('a broken offer file names each bad field', async ({ page }) => {
    const broken = offerJson();
    broken.issuer.cusip = '62473L109';
    broken.expiration.instant = '2001-09-27T23:59:00';
    broken.plans[0].colour = 'blue';
    await serveJson(page, '/fixtures/broken-offer.json', broken);
    await page.goto('/?offer=fixtures/broken-offer.json');

    const alert = page.getByRole('alert');
    await expect(alert.getByRole('heading', { name: "This offer can't be shown" })).toBeVisible();
    await expect(alert.getByRole('heading', { name: 'Offer file fixtures/broken-offer.json: 3 problems' })).toBeVisible();
    await expect(alert.getByRole('listitem')).toHaveText([
      /\$\.issuer\.cusip: `62473L109` fails the CUSIP check digit/,
      /\$\.plans\[0\]\.colour: unknown field `colour` \(expected one of: id, name, short_name\)/,
      /\$\.expiration\.instant: `2001-09-27T23:59:00` is not an instant \(it has no UTC offset/,
    ]);
    await page.screenshot({ path: 'artifacts/error-panel.png', fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
  });

  test('a file that is not JSON, and one that is missing', async ({ page }) => {
    await serveJson(page, '/fixtures/not-json.json', '<html>Oops</html>');
    await page.goto('/?offer=fixtures/not-json.json&holder=holders/nobody.json');
    const alert = page.getByRole('alert');
    await expect(alert.getByRole('listitem')).toHaveText([/^\$: not valid JSON: expected value at line 1 column 1/]);
    await expect(alert).toContainText('Employee file holders/nobody.json: could not be loaded');
    await expect(alert).toContainText('the server answered HTTP 404');
  });

  test('a server that never answers is reported, not waited on forever', async ({ page }) => {
    test.setTimeout(40_000);
    await page.route('**/fixtures/slow.json', () => { /* never fulfilled */ });
    await page.goto('/?holder=fixtures/slow.json');
    await expect(page.getByRole('alert')).toContainText('no answer within 15 seconds', { timeout: 25_000 });
  });

  test('an employee file for another offer is named as such', async ({ page }) => {
    const other = holderJson('e1001-avery-lindqvist.json');
    other.offer_id = 'acme-2002-option-exchange';
    await serveJson(page, '/fixtures/other-offer-holder.json', other);
    await page.goto('/?holder=fixtures/other-offer-holder.json');
    await expect(page.getByRole('alert').getByRole('listitem')).toHaveText([
      /\$\.offer_id: this holder file is for the offer `acme-2002-option-exchange`, not for `mpower-2001-option-exchange`/,
    ]);
  });

  test('markup in offer text is shown as text and never runs', async ({ page }) => {
    const hostile = offerJson();
    hostile.title = '<img src=x onerror="window.__pwned = true">Exchange';
    hostile.documents[1].amendments[0].text = '<script>window.__pwned = true</script>Conditions';
    await serveJson(page, '/fixtures/hostile-offer.json', hostile);
    await page.goto('/?offer=fixtures/hostile-offer.json');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('<img src=x onerror="window.__pwned = true">Exchange');
    await expect(page.getByText('<script>window.__pwned = true</script>Conditions')).toBeVisible();
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    await expect(page.locator('.ew img, .ew script')).toHaveCount(0);
  });
});

// A toggle renders again only the rows it changes (and the totals), not every row: the
// table of a holder with many grants stays quick to use. Seen from outside: Yew writes
// each rendered checkbox's `checked`, so a checkbox set behind its back by this test
// keeps that value only if its row was not rendered again.
test('a toggle renders only the rows it changes, not the whole table', async ({ page }) => {
  await page.goto('/');
  const boxes = page.getByRole('checkbox', { name: /^Exchange grant / });
  await expect(boxes.first()).toBeVisible();
  const first = boxes.first();
  await expect(first).toBeEnabled();
  await expect(first).not.toBeChecked();
  // Every other checkbox ticked behind Yew's back.
  const tampered = await page.evaluate(() => {
    const all = [...document.querySelectorAll('.ew-grants-table tbody input[type=checkbox]')];
    for (const el of all.slice(1)) el.checked = true;
    return all.length - 1;
  });
  expect(tampered).toBeGreaterThan(3);
  await first.click();
  await expect(first).toBeChecked();
  // The rows the toggle changed were rendered again (their boxes say what the rules
  // say); the others were not, and still show this test's tick.
  const kept = await page.evaluate(() =>
    [...document.querySelectorAll('.ew-grants-table tbody tr:not(.ew-row-exchanged) input[type=checkbox]')]
      .filter((el) => el.checked).length);
  expect(kept).toBeGreaterThan(0);
});

test('the sections below the grants load after the first screen; when they cannot, the employee is told, nothing is lost, and they are tried again', async ({ page, context }) => {
  // Their module (src/platform/lazy.rs: decision support, terms, amendments, signing),
  // refused at first, as a dropped connection would.
  const below = await refuseModule(page, 'below');
  await page.goto('/');
  const grant = page.getByRole('checkbox', { name: /^Exchange grant / }).first();
  await grant.check();
  const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
  await expect(alert).toHaveText("The decision support, the offer's terms and amendments, and signing could not be loaded (the connection may be down). Nothing you chose above is lost. Try again");
  await expect(page.getByRole('heading', { name: 'Terms of the exchange' })).toHaveCount(0);
  // The first screen works without them.
  await expect(grant).toBeChecked();
  expect(below.asked).toHaveLength(1);

  // Asked again while still refused: the failure stands, and so does the way out.
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect.poll(() => below.asked.length).toBe(2);
  await expect(alert).toBeVisible();

  // The connection returns: loaded without being asked, and the choice is still there.
  below.allow();
  await context.setOffline(true);
  await context.setOffline(false);
  await expect(page.getByRole('heading', { name: 'Terms of the exchange' })).toBeVisible();
  await expect(alert).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Review and sign' })).toBeVisible();
  await expect(grant).toBeChecked();
  expect(below.asked).toHaveLength(3);

  // Once loaded, a reload gets them again from the start.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Terms of the exchange' })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: /^Exchange grant / }).first()).toBeChecked();
});
