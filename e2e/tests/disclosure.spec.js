import { test, expect } from './fixtures.js';
import { offerJson, serveJson, axeViolations } from './helpers.js';

const banner = (page) => page.getByRole('region', { name: 'Amendments to review' });
const acks = (page) => page.getByRole('region', { name: 'Acknowledge the offer documents' });
const NOTICE = 'I have read the Notice of Amendment to Offer to Exchange dated September 13, 2001 (3 amendments).';
const OFFER_DOC = 'I have read the Offer to Exchange dated August 27, 2001.';

test('banner, review, acknowledge: the banner goes and the acknowledgment survives a reload', async ({ page }) => {
  await page.goto('/?holder=holders/e1001-avery-lindqvist.json');
  await expect(banner(page)).toHaveText('The offer was amended on September 13, 2001: 3 changes. Review the amendments');
  await banner(page).getByRole('link', { name: 'Review the amendments' }).click();
  await expect(page).toHaveURL(/#election-widget-notice-notice-of-amendment-2001-09-13$/);
  await expect(page.getByRole('heading', { name: 'Amendments of September 13, 2001' })).toBeInViewport();

  await expect(acks(page).getByRole('status')).toHaveText('2 documents still to acknowledge before you can sign.');
  await acks(page).getByRole('checkbox', { name: OFFER_DOC }).check();
  await acks(page).getByRole('checkbox', { name: NOTICE }).check();
  await expect(acks(page).getByRole('status')).toHaveText('All documents acknowledged.');
  await expect(banner(page)).toHaveCount(0);

  await page.reload();
  await expect(acks(page).getByRole('checkbox', { name: NOTICE })).toBeChecked();
  await expect(banner(page)).toHaveCount(0);
  // The full fingerprint is there on request.
  await acks(page).getByText('Show the full fingerprint').first().click();
  await expect(acks(page).getByText(/^SHA-256 [0-9a-f]{64}$/).first()).toBeVisible();
});

test('an amendment added to the offer data asks for acknowledgment again and marks what is new', async ({ page }) => {
  await page.goto('/?holder=holders/e1001-avery-lindqvist.json');
  await acks(page).getByRole('checkbox', { name: OFFER_DOC }).check();
  await acks(page).getByRole('checkbox', { name: NOTICE }).check();
  await expect(banner(page)).toHaveCount(0);

  // The company amends the notice: the same offer file now carries a fourth amendment.
  const amended = offerJson();
  amended.version = 3;
  amended.documents[1].amendments.push({
    number: 4,
    section: { number: '8', title: 'Extension of Offer; Termination; Amendment' },
    change: 'paragraph_inserted_after',
    location: 'Immediately after the last paragraph',
    text: 'We will announce any extension by press release.',
  });
  await serveJson(page, '/offers/mpower-2001.json', amended);
  await page.reload();

  await expect(banner(page)).toHaveText(
    'The notice of amendment of September 13, 2001 changed after you acknowledged it: 1 new or changed amendment. Review what is new',
  );
  const fourth = page.getByRole('article').filter({ hasText: 'Amendment 4: Paragraph inserted' });
  await expect(fourth.getByText('New since you acknowledged')).toBeVisible();
  await expect(page.getByText('New since you acknowledged')).toHaveCount(1);
  const box = acks(page).getByRole('checkbox', { name: /Notice of Amendment.*\(4 amendments\)/ });
  await expect(box).not.toBeChecked();
  await expect(acks(page)).toContainText('Changed since you acknowledged it: please read amendment 4 and acknowledge again.');
  await box.check();
  await expect(banner(page)).toHaveCount(0);
  await expect(acks(page).getByRole('status')).toHaveText('All documents acknowledged.');
});

test('a prior text in the data shows a word diff a screen reader can tell apart', async ({ page }) => {
  const offer = offerJson();
  offer.documents[1].amendments[1].prior_text = 'This Offer to Exchange includes forward-looking statements.';
  await serveJson(page, '/fixtures/with-prior.json', offer);
  await page.goto('/?offer=fixtures/with-prior.json&holder=holders/e1001-avery-lindqvist.json');
  const diff = page.locator('.ew-diff-text');
  await expect(diff).toHaveText(
    'This Offer to Exchange [removed: includes] [added: and our Securities and Exchange Commission reports referred to above include] forward-looking statements.',
  );
  await expect(diff.locator('del')).toHaveCSS('text-decoration-line', 'line-through');
  await expect(diff.locator('ins')).toHaveCSS('text-decoration-line', 'underline');
  expect(await axeViolations(page)).toEqual([]);
});

test('print: the offer, the election, the terms and the amendments on clean pages', async ({ page }) => {
  await page.goto('/?holder=holders/e1001-avery-lindqvist.json');
  await page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' }).check();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print or save as PDF' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Start over' })).toBeHidden();
  await expect(page.getByRole('region', { name: 'Keep or exchange: what each is worth' })).toBeHidden();
  await expect(page.getByText('Exchange 1 grant, 12,000 options, for 4,000 new options')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Amendments of September 13, 2001' })).toBeVisible();
  expect(await page.locator('.ew-amendments').evaluate((el) => getComputedStyle(el).breakBefore)).toBe('page');
  await page.screenshot({ path: 'artifacts/print.png', fullPage: true });
  await page.pdf({ path: 'artifacts/print.pdf', format: 'Letter' });
});
