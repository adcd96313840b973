// Offers beyond Mpower's shape, on the employee's page: the second example offer
// (static/example-offers/halden-2001/, a fictional company) with parts of grants,
// restricted stock units, a threshold from the 52-week high and exclusions. The demo page
// previews it by link, as of September 20, 2001 (data-preview-at), while it is open.
import { test, expect } from './fixtures.js';
import { axeViolations } from './helpers.js';

const EXAMPLE = 'example-offers/halden-2001';
const page_for = (holder) => `/?offer=${EXAMPLE}/offer.json&holder=${EXAMPLE}/holders/${holder}.json`;

test('restricted stock units for part of a grant at its own ratio: the box, the totals and the value at vest', async ({ page }) => {
  await page.goto(page_for('e2101-rosa-delgado'));
  await expect(page.getByText('Halden Scientific, Inc. (fictional)', { exact: true })).toBeVisible();
  const table = page.getByRole('table', { name: '3 option grants held by Rosa Delgado' });
  await expect(table.getByRole('columnheader')).toHaveText([
    'Exchange', 'Grant', 'Plan', 'Granted', 'Exercise price', 'Outstanding', 'Vested', 'Expires', 'New RSUs', 'Status',
  ]);

  await page.getByRole('checkbox', { name: 'Exchange grant EIP-2000-0113' }).check();
  const part = page.getByRole('textbox', { name: 'Options of grant EIP-2000-0113 to exchange' });
  await expect(part).toHaveValue('4,000');
  await expect(page.getByText('of 4,000: at least 100, in multiples of 100, or all')).toBeVisible();
  const summary = page.getByRole('status').filter({ hasText: /^Exchange 1 grant/ });
  // The grant has its own ratio, set value for value: 4.5 options for a unit.
  await expect(summary).toHaveText(/Exchange 1 grant, 4,000 options, for 888 restricted stock units/);

  await part.fill('1,550');
  await expect(page.getByText('Part of a grant must be a multiple of 100 options, or the whole grant.')).toBeVisible();
  await part.fill('1,500');
  await expect(page.getByText('Exchanging 1,500 of 4,000 options.')).toBeVisible();
  await expect(summary).toHaveText(/Exchange 1 grant, 1,500 options, for 333 restricted stock units/);
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'EIP-2000-0113', exact: true }) });
  await expect(row.getByRole('cell').nth(7)).toHaveText("333 at 4.5 for 1, this grant's own ratio");
  const other = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'SOP-1999-0602', exact: true }) });
  await expect(other.getByRole('cell').nth(7)).toHaveText('318 at 8 for 1, by exercise price');
  await expect(page.getByRole('definition').filter({ hasText: /^Set value for value \(illustrative\)/ })).toBeVisible();

  // A part too small for 50 units is paid in cash instead: 100 options give 22 units.
  await part.fill('100');
  await expect(row.getByRole('cell').nth(7)).toHaveText('$198.00 in cash instead of 22 restricted stock units: fewer than 50');
  await expect(summary).toHaveText(/Exchange 1 grant, 100 options, for \$198\.00 in cash/);
  await part.fill('1,500');
  await expect(summary).toHaveText(/Exchange 1 grant, 1,500 options, for 333 restricted stock units/);

  // The part is kept in the draft: a reload shows it again.
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Options of grant EIP-2000-0113 to exchange' })).toHaveValue('1,500');

  // No exercise price to assume: the units' value at vest against the options' at exercise.
  const decision = page.getByRole('region', { name: 'Keep or exchange: what each is worth' });
  await expect(decision.getByText(/^Value at vest against value at exercise/)).toBeVisible();
  await expect(decision.getByLabel(/Assumed market price/)).toHaveCount(0);
  // 333 units × S against 1,500 × (S − 45.00): equal at S = 67,500 / 1,167 = 57.84.
  await expect(decision.getByRole('table', { name: 'Value at vest and at exercise by stock price' })).toBeVisible();
  await expect(decision.getByText('Break-even stock price: $57.84. Below it, the restricted stock units are worth more; above it, the options you give up would be worth more.')).toBeVisible();
  await expect(page.getByRole('term').filter({ hasText: 'New award' })).toBeVisible();
  await expect(page.getByText(/Vesting: Half of the units vest on each of the first two anniversaries/)).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
});

test('exclusions say why: an officer, and grants by date and by the 52-week high', async ({ page }) => {
  await page.goto(page_for('e2102-tomasz-wierzbicki'));
  await expect(page.getByText('Not eligible: executive officers may not take part in this offer.')).toBeVisible();
  await expect(page.getByText(/None of your grants can be exchanged in this offer/)).toBeVisible();

  await page.goto(page_for('e2103-giulia-ferri'));
  await expect(page.getByText('Not eligible: grants made in the 12 months before the offer opened (from September 4, 2000) are excluded.')).toBeVisible();
  await expect(page.getByText(/Not eligible: the exercise price is below \$20\.00, the stock's 52-week high as of August 31, 2001 \(closing prices on the Nasdaq National Market \(illustrative\)\), the lowest this offer takes\./)).toBeVisible();
  await expect(page.getByText(/Not eligible: .*grants expiring in the 12 months after the offer opened \(before September 4, 2002\) are excluded\./)).toBeVisible();
  // One grant of hers can be exchanged.
  await expect(page.getByRole('checkbox', { name: /^Exchange grant/ })).toHaveCount(1);
  await expect(page.getByRole('checkbox', { name: 'Exchange grant EIP-2000-0605' })).toBeEnabled();
});
