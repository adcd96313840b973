import { test, expect } from './fixtures.js';
import { holderJson, axeViolations } from './helpers.js';

const jordan = holderJson('e1002-jordan-okafor.json');
// Grants made in the six months before the offer opened (2001-02-27 .. 2001-08-26) at
// $5.00 or more: the look-back grants, eligible under the illustrative terms.
const lookback = jordan.grants.filter(
  (g) => g.grant_date >= '2001-02-27' && g.grant_date < '2001-08-27' && Number(g.exercise_price) >= 5,
);
const summary = (page) => page.locator('.ew-summary');

test('choosing a grant pulls in the look-back grants, says why, and the draft survives a reload', async ({ page }) => {
  expect(lookback.length).toBeGreaterThanOrEqual(2);
  await page.goto('/');
  await expect(summary(page)).toHaveText('You are keeping all your options: no grant is chosen for exchange.');

  await page.getByRole('checkbox', { name: 'Exchange grant H-1999-0010', exact: true }).check();
  await expect(summary(page)).toHaveText(
    new RegExp(`^Exchange ${lookback.length + 1} grants, [\\d,]+ options, for [\\d,]+ new options; new grant expected on or about March 29, 2002\\.$`),
  );
  for (const g of lookback) {
    const box = page.getByRole('checkbox', { name: `Exchange grant ${g.id} (required by the offer's rules)` });
    await expect(box).toBeChecked();
    await expect(box).toBeDisabled();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${g.id}`) }) });
    await expect(row).toContainText('Required: granted in the 6 months before the offer opened');
  }
  const before = await summary(page).textContent();
  await page.screenshot({ path: 'artifacts/election.png', fullPage: true });

  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Exchange grant H-1999-0010', exact: true })).toBeChecked();
  await expect(summary(page)).toHaveText(before);

  await page.getByRole('button', { name: 'Start over' }).click();
  await expect(summary(page)).toHaveText(/^You are keeping all your options/);
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Exchange grant H-1999-0010', exact: true })).not.toBeChecked();
  await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(0);
});

test('drafts are kept per employee', async ({ page }) => {
  await page.goto('/?holder=holders/e1001-avery-lindqvist.json');
  await page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' }).check();
  await expect(summary(page)).toHaveText(/^Exchange 1 grant, 12,000 options, for 4,000 new options/);
  await page.goto('/');
  await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(0);
  await page.goto('/?holder=holders/e1001-avery-lindqvist.json');
  await expect(page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' })).toBeChecked();
});

test('with storage refused the widget works and says drafts are not saved', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
    });
  });
  await page.goto('/');
  await expect(page.getByText('Drafts are not being saved: this browser does not allow this page to store data.')).toBeVisible();
  await page.getByRole('checkbox', { name: 'Exchange grant H-1999-0010', exact: true }).check();
  await expect(summary(page)).toHaveText(/^Exchange \d+ grants/);
});

test('a full storage quota is reported, not fatal', async ({ page }) => {
  await page.addInitScript(() => {
    Storage.prototype.setItem = function () { throw new DOMException('Quota exceeded', 'QuotaExceededError'); };
  });
  await page.goto('/');
  await page.getByRole('checkbox', { name: 'Exchange grant H-1999-0010', exact: true }).check();
  await expect(page.getByText("Drafts are not being saved: the browser's storage for this page is full or refused.")).toBeVisible();
  await expect(summary(page)).toHaveText(/^Exchange \d+ grants/);
});

test('the election can be made by keyboard alone', async ({ page }) => {
  await page.goto('/?holder=holders/e1001-avery-lindqvist.json');
  const box = page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' });
  await expect(box).toBeVisible();
  for (let i = 0; i < 12 && !(await box.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(box).toBeFocused();
  await page.keyboard.press('Space');
  await expect(box).toBeChecked();
  await expect(summary(page)).toHaveText(/^Exchange 1 grant/);
  // On to "Start over" by Tab ("Exchange all eligible grants" is disabled now, so out of
  // the tab order).
  const startOver = page.getByRole('button', { name: 'Start over' });
  for (let i = 0; i < 5 && !(await startOver.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(startOver).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(box).not.toBeChecked();
});

test('an employee with no eligible grant gets an explanation, not choices', async ({ page }) => {
  await page.goto('/?holder=holders/e1003-priya-raman.json');
  await expect(page.getByText('None of your grants can be exchanged in this offer')).toBeVisible();
  await expect(page.getByRole('table', { name: /option grants held by/ }).getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('cell', { name: /^Not eligible: the exercise price is below \$5\.00/ })).toHaveCount(3);
});

test('exchange all eligible grants, then compare with a price assumption', async ({ page }) => {
  await page.goto('/?holder=holders/e1001-avery-lindqvist.json');
  await page.getByRole('button', { name: 'Exchange all eligible grants' }).click();
  const decision = page.getByRole('region', { name: 'Keep or exchange: what each is worth' });
  // 12,000 at $42.50 against 4,000 new at $1.00: 4000(S-1) = 12000(S-42.5) at S = 63.25.
  await expect(decision.getByText('Break-even stock price: $63.25.')).toBeVisible();
  await expect(decision.getByRole('img', { name: /Chart of value at exercise by stock price/ })).toBeVisible();
  const table = decision.getByRole('table', { name: 'Value at exercise by stock price' });
  await expect(table.getByRole('row')).toHaveCount(12);

  const price = decision.getByRole('textbox', { name: /Assumed market price on the new grant date/ });
  await price.fill('10');
  // 4000(S-10) = 12000(S-42.5) at S = 58.75.
  await expect(decision.getByText('Break-even stock price: $58.75.')).toBeVisible();
  await price.fill('abc');
  await expect(decision.getByRole('alert')).toHaveText(/“abc” is not a price/);
  await expect(decision.getByRole('img')).toHaveCount(0);
  await expect(price).toHaveAttribute('aria-invalid', 'true');
});

test('the election screens pass an axe-core audit', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('checkbox', { name: 'Exchange grant H-1999-0010', exact: true }).check();
  await expect(page.getByRole('img', { name: /Chart of value/ })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.goto('/?holder=holders/e1003-priya-raman.json');
  await expect(page.getByText('None of your grants can be exchanged')).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
});
