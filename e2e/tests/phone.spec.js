// The employee on a phone (390 × 844 with touch, and 320 px wide), in a narrow panel of a
// wide screen, and at a 32 px base font: every grant's figures and reason readable
// without sideways scrolling, a summary that stays in reach while the grants scroll past,
// each part of the offer one tap away, targets of at least 24 × 24 px, and a whole
// election made by taps. The desktop table at 1280 px is unchanged.
import { test, expect } from './fixtures.js';
import { axeViolations, holderJson } from './helpers.js';
import { startReceiver, portal, openPortal, httpConfig } from './receiver.js';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const JORDAN = holderJson('e1002-jordan-okafor.json');
const RECEIVED = /Received by Mpower Holding Corporation at .* EDT on September \d\d, 2001\. Receipt R\d{10}, verified\./;

/** Everything that sticks out sideways: the page's own scroll width, any scrolling region
 *  that scrolls sideways, and any visible box (shadow roots included) that reaches past
 *  the viewport's edges. Empty when nothing does. */
async function sideways(page) {
  return page.evaluate(() => {
    const found = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) found.push(`the page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} “${(el.textContent || '').trim().slice(0, 40)}”`;
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        // Visually hidden text (clipped to a pixel) is for screen readers, not on screen.
        if (style.clip === 'rect(0px, 0px, 0px, 0px)' || el.closest('.ew-sr-only')) continue;
        if (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
          found.push(`${name(el)} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
        }
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5)) {
          found.push(`${name(el)} reaches ${Math.round(r.left)}…${Math.round(r.right)} of ${innerWidth}`);
        }
      }
    };
    walk(document);
    return found.slice(0, 10);
  });
}

/** Interactive targets smaller than 24 × 24 CSS px (WCAG 2.2, 2.5.8), shadow roots
 *  included; a link inside a sentence is exempt, as the criterion says. */
async function smallTargets(page) {
  return page.evaluate(() => {
    const found = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        if (!el.matches('a[href], button, input, select, textarea, summary')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        // (Inline: a link laid out in a line of other text, whose height that line sets.)
        const inline = el.matches('a') && getComputedStyle(el).display === 'inline' && el.parentElement
          && el.parentElement.textContent.trim().length > el.textContent.trim().length;
        if (inline) continue;
        // A checkbox's target is its label when the label wraps it.
        const target = el.matches('input[type=checkbox]') && el.closest('label') ? el.closest('label').getBoundingClientRect() : r;
        if (target.width < 24 || target.height < 24) {
          found.push(`${el.tagName.toLowerCase()} “${(el.textContent || el.getAttribute('aria-label') || el.closest('label')?.textContent || '').trim().slice(0, 40)}” ${Math.round(target.width)}×${Math.round(target.height)}`);
        }
      }
    };
    walk(document);
    return found;
  });
}

const grantsTable = (page) => page.getByRole('table', { name: `${JORDAN.grants.length} option grants held by Jordan Okafor` });

/** The first grant's card shows each of its figures, its status and reason, inside the
 *  viewport's width. */
async function expectFirstGrantReadable(page, width) {
  const first = JORDAN.grants[0];
  const row = grantsTable(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: first.id, exact: true }) });
  await expect(row).toBeVisible();
  await row.scrollIntoViewIfNeeded();
  const cells = [row.getByRole('rowheader'), ...(await row.getByRole('cell').all())];
  expect(cells).toHaveLength(10);
  for (const cell of cells.slice(1)) {
    const box = await cell.boundingBox();
    if ((await cell.textContent()).trim() === '') continue; // an ineligible grant's empty choice
    expect(box, await cell.textContent()).not.toBeNull();
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width + 0.5);
  }
  await expect(row.getByRole('cell').nth(3)).toHaveText('$6.25');
  // Each figure is labelled on the card (generated text, silent to a screen reader,
  // which has the column header).
  const label = await row.getByRole('cell').nth(3).evaluate((td) => getComputedStyle(td, '::before').content);
  expect(label).toContain('Exercise price');
}

test.describe('on a phone, 390 × 844', () => {
  test.use(PHONE);

  test('every grant reads as a card: its figures, status and reason, no sideways scrolling', async ({ page }, info) => {
    await page.goto('/');
    await expect(grantsTable(page)).toBeVisible();
    await expect(grantsTable(page).locator('tbody').getByRole('row')).toHaveCount(JORDAN.grants.length);
    await expectFirstGrantReadable(page, 390);
    // An ineligible grant's reason is on its card.
    const ineligible = grantsTable(page).getByRole('row').filter({ hasText: 'Not eligible:' }).first();
    await ineligible.scrollIntoViewIfNeeded();
    await expect(ineligible.getByRole('cell').last()).toBeInViewport();
    expect(await sideways(page)).toEqual([]);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    info.annotations.push({ type: 'page height at 390 px', description: String(height) });
    await page.screenshot({ path: 'artifacts/phone-390.png', fullPage: true });
  });

  test('a screen reader still has a table: rows, ten column headers, a row header and cells', async ({ page }) => {
    await page.goto('/');
    await expect(grantsTable(page)).toBeVisible();
    // The sections below the grants arrive after the first screen (their module loads
    // after ready): the tree is read once they are in the page.
    await expect(page.locator('h2, h3').filter({ hasText: 'Section 7. Conditions of the Offer' })).toBeAttached();
    // Chromium's own accessibility tree, not a reading of the markup.
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const role = (n) => n.role && n.role.value;
    const table = nodes.find((n) => role(n) === 'table' && /option grants held by Jordan Okafor/.test(n.name && n.name.value));
    expect(table, 'a table named by its caption').toBeTruthy();
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const within = [];
    const visit = (n) => { for (const id of n.childIds || []) { const c = byId.get(id); if (c) { within.push(c); visit(c); } } };
    visit(table);
    expect(within.filter((n) => role(n) === 'columnheader')).toHaveLength(10);
    expect(within.filter((n) => role(n) === 'rowheader').length).toBeGreaterThanOrEqual(JORDAN.grants.length);
    expect(within.filter((n) => role(n) === 'row').length).toBeGreaterThanOrEqual(JORDAN.grants.length + 2);
    expect(within.filter((n) => role(n) === 'cell').length).toBeGreaterThanOrEqual(JORDAN.grants.length * 9);
    // The card's labels are not read twice: a cell's name is its value.
    const price = within.find((n) => role(n) === 'cell' && n.name && n.name.value === '$6.25');
    expect(price, 'the price cell, named by its value alone').toBeTruthy();
    // Far below, out of view, the legal text is in the tree too (a section skipped for
    // layout, with content-visibility, would not be).
    const headings = nodes.filter((n) => role(n) === 'heading' && !n.ignored).map((n) => n.name && n.name.value);
    expect(headings).toContain('Section 7. Conditions of the Offer');
    expect(headings).toContain('Acknowledge the offer documents');
    const rendered = await page.locator('h1, h2, h3, h4').count();
    expect(headings).toHaveLength(rendered);
  });

  test('the summary stays in reach while the grants scroll, covers nothing and speaks once', async ({ page }) => {
    await page.goto('/');
    await expect(grantsTable(page)).toBeVisible();
    const tally = page.locator('.ew-tally');
    // Halfway down the grants: the summary, the time left and the way on to signing are
    // at the foot of the screen.
    const middle = grantsTable(page).locator('tbody tr').nth(18);
    await middle.scrollIntoViewIfNeeded();
    await expect(tally).toBeInViewport();
    const box = await tally.boundingBox();
    expect(box.y + box.height).toBeGreaterThan(844 - 2);
    expect(box.y + box.height).toBeLessThanOrEqual(844 + 0.5);
    await expect(tally.getByText(/ left$/)).toBeVisible();
    const summary = tally.getByRole('status');
    await expect(summary).toHaveText('You are keeping all your options: no grant is chosen for exchange.');
    // A choice there changes it, in the one live region that says it.
    const eligible = grantsTable(page).getByRole('checkbox', { disabled: false });
    const boxes = await eligible.count();
    await eligible.nth(Math.floor(boxes / 2)).tap();
    await expect(summary).toHaveText(/^Exchange \d+ grants?, [\d,]+ options?, for [\d,]+ new options?/);
    const spoken = await page.evaluate((text) => [...document.querySelectorAll('[aria-live], [role=status], [role=alert]')]
      .filter((el) => el.getAttribute('aria-live') !== 'off' && el.textContent.includes(text)).length, await summary.textContent());
    expect(spoken).toBe(1);
    // A checkbox reached by keyboard is scrolled clear of the summary, not under it.
    let reached = 0;
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || !el.closest('tbody')) return 'elsewhere';
        const bar = document.querySelector('.ew-tally').getBoundingClientRect();
        return el.getBoundingClientRect().bottom <= bar.top + 0.5 ? 'clear' : 'under the summary';
      });
      expect(focus, `focus ${i}`).not.toBe('under the summary');
      if (focus === 'clear') reached += 1;
    }
    expect(reached, 'Tab moved through the grants').toBeGreaterThan(5);
    // At the end of the grants it rests in its place: the last card is above it, whole.
    const last = grantsTable(page).locator('tbody tr').last();
    await page.getByRole('button', { name: 'Exchange all eligible grants' }).scrollIntoViewIfNeeded();
    const lastBox = await last.boundingBox();
    const rest = await tally.boundingBox();
    expect(lastBox.y + lastBox.height).toBeLessThanOrEqual(rest.y);
    // The way on to signing, by a tap.
    await tally.getByRole('link', { name: 'Review and sign' }).tap();
    await expect(page.getByRole('heading', { name: 'Review and sign' })).toBeInViewport();
  });

  test('each part of the offer is one tap away, and nothing is folded out of reach', async ({ page }) => {
    await page.goto('/');
    const parts = page.getByRole('navigation', { name: 'Parts of this offer' });
    await expect(parts.getByRole('link')).toHaveText(['Your grants', 'Keep or exchange', 'Terms', 'Amendments', 'Acknowledge', 'Review and sign']);
    for (const [link, heading] of [['Terms', 'Terms of the exchange'], ['Amendments', 'Amendments of September 13, 2001'],
      ['Keep or exchange', 'Keep or exchange: what each is worth'], ['Acknowledge', 'Acknowledge the offer documents']]) {
      await page.evaluate(() => scrollTo(0, 0));
      await parts.getByRole('link', { name: link, exact: true }).tap();
      await expect(page.getByRole('heading', { name: heading })).toBeInViewport();
    }
    // The legal text is on the page, not behind a closed disclosure.
    expect(await page.locator('details:not([open]) .ew-legal').count()).toBe(0);
  });

  test('targets are at least 24 × 24 px and axe finds nothing, before and after choosing', async ({ page }) => {
    await page.goto('/');
    await expect(grantsTable(page)).toBeVisible();
    expect(await smallTargets(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await grantsTable(page).getByRole('checkbox', { disabled: false }).first().tap();
    expect(await axeViolations(page)).toEqual([]);
  });

  test('a whole election by taps: choose, acknowledge, sign, a verified receipt', async ({ page }) => {
    test.setTimeout(60_000);
    const receiver = await startReceiver();
    try {
      await openPortal(page, portal('e1001-avery-lindqvist.json', httpConfig(receiver, 'E-1001')));
      await expect(page.getByRole('heading', { name: 'Review and sign' })).toBeAttached();
      await page.getByRole('checkbox', { name: /H-2000-0417/ }).tap();
      await expect(page.getByRole('checkbox', { name: /H-2000-0417/ })).toBeChecked();
      // Both documents' boxes: the sections below the grants arrive after ready.
      await expect(page.getByRole('checkbox', { name: /I have read/ })).toHaveCount(2);
      for (const box of await page.getByRole('checkbox', { name: /I have read/ }).all()) {
        await box.tap();
        await expect(box).toBeChecked();
      }
      const name = page.getByLabel('Type your full name to sign');
      await name.tap();
      await page.keyboard.type('Avery Lindqvist');
      expect(await sideways(page)).toEqual([]);
      await page.getByRole('button', { name: 'Sign election' }).tap();
      await expect(page.locator('li[data-sequence="1"] .ew-outbox-status')).toHaveText(RECEIVED);
      expect((await receiver.record('E-1001')).history).toHaveLength(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: 'artifacts/phone-signed.png', fullPage: true });
    } finally {
      await receiver.stop();
    }
  });
});

test.describe('at 320 px', () => {
  test.use({ ...PHONE, viewport: { width: 320, height: 640 } });

  test('nothing scrolls sideways, the page or any region of it, and every figure is there', async ({ page }) => {
    for (const url of ['/', '/?holder=holders/e1003-priya-raman.json']) {
      await page.goto(url);
      await expect(page.locator('.ew[data-state="ready"]')).toBeVisible();
      await expect(page.getByRole('table', { name: /option grants held by/ })).toBeVisible();
      expect(await sideways(page), url).toEqual([]);
      expect(await smallTargets(page), url).toEqual([]);
    }
    await page.goto('/');
    await expectFirstGrantReadable(page, 320);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'artifacts/phone-320.png', fullPage: true });
  });
});

/** A portal page with the element in a panel `width` px wide, at the element's base font
 *  size `font`. */
const panel = (width, font = '16px') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title>
<script type="module" src="/election-widget.js"></script></head><body style="margin:0"><main style="display:flex;gap:16px">
<div style="flex:1">Portal content</div>
<aside style="width:${width}px;flex:none"><election-widget offer="/offers/mpower-2001.json" holder="/holders/e1002-jordan-okafor.json" style="--ew-font-size:${font}"></election-widget></aside>
</main></body></html>`;

test('the element in a narrow side panel of a wide screen gets the cards', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openPortal(page, panel(360));
  await expect(grantsTable(page)).toBeVisible();
  const display = await grantsTable(page).locator('tbody tr').first().evaluate((tr) => getComputedStyle(tr).display);
  expect(display).toBe('grid');
  expect(await sideways(page)).toEqual([]);
  const box = await grantsTable(page).locator('tbody tr').first().boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(1280);
  await page.screenshot({ path: 'artifacts/portal-panel.png' });
});

test('at a 32 px base font on a phone, nothing is lost or cut off', async ({ browser }) => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  try {
    await openPortal(page, panel(390, '32px').replace('<div style="flex:1">Portal content</div>', ''));
    await expect(grantsTable(page)).toBeVisible();
    expect(await sideways(page)).toEqual([]);
    await expectFirstGrantReadable(page, 390);
    expect(await smallTargets(page)).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the iframe embed\'s page, 360 px wide (a frame that narrow), gets the cards', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto('/embed.html?offer=offers/mpower-2001.json&holder=holders/e1002-jordan-okafor.json');
  await expect(grantsTable(page)).toBeVisible();
  expect(await grantsTable(page).locator('tbody tr').first().evaluate((tr) => getComputedStyle(tr).display)).toBe('grid');
  expect(await sideways(page)).toEqual([]);
  await expectFirstGrantReadable(page, 360);
});

test('at 1280 px the desktop table is unchanged: one line a grant, headers shown, nothing sticky', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await expect(grantsTable(page)).toBeVisible();
  await expect(grantsTable(page).getByRole('columnheader').first()).toBeVisible();
  const layout = await grantsTable(page).evaluate((table) => {
    const row = table.querySelector('tbody tr');
    const tops = [...row.children].map((c) => Math.round(c.getBoundingClientRect().top));
    return {
      table: getComputedStyle(table).display,
      row: getComputedStyle(row).display,
      oneLine: new Set(tops).size === 1,
      region: getComputedStyle(table.parentElement).overflow,
      tally: getComputedStyle(document.querySelector('.ew-tally')).position,
      jump: getComputedStyle(document.querySelector('.ew-jump')).display,
      more: getComputedStyle(document.querySelector('.ew-tally-more')).display,
    };
  });
  expect(layout).toEqual({ table: 'table', row: 'table-row', oneLine: true, region: 'auto', tally: 'static', jump: 'none', more: 'none' });
});
