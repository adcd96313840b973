// Accessibility across the screens not audited elsewhere (the widget's own specs audit
// the election, the error panel, the expired state and delivery; desk.spec.js the desk and
// its print view): the widget's print view, reflow at 400 % zoom, and a whole election
// made and delivered by keyboard alone.
import { test, expect } from './fixtures.js';
import { axeViolations } from './helpers.js';
import { startReceiver, portal, openPortal, httpConfig } from './receiver.js';

const RECEIVED = /Received by Mpower Holding Corporation at .* EDT on September \d\d, 2001\. Receipt R\d{10}, verified\./;

test('the print view passes an axe-core audit', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Option Exchange Program' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print or save as PDF' })).toBeHidden();
  expect(await axeViolations(page)).toEqual([]);
});

test('at 400 % zoom (320 CSS pixels wide) the page reflows: no sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const url of ['/', '/preview.html', '/results.html']) {
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, url).toBeLessThanOrEqual(1);
  }
});

test('a whole election by keyboard alone: choose, acknowledge, sign, delivered', async ({ page }) => {
  test.setTimeout(60_000);
  const receiver = await startReceiver();
  try {
    await openPortal(page, portal('e1001-avery-lindqvist.json', httpConfig(receiver, 'E-1001')));
    await expect(page.getByRole('heading', { name: 'Review and sign' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign election' })).toBeDisabled();
    // Focus moves only by Tab; the element reached is the focused one inside the shadow root.
    const focused = () => page.evaluate(() => {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return a ? `${a.tagName} ${a.getAttribute('type') || ''} ${a.closest('label')?.textContent || a.getAttribute('aria-label') || a.textContent || a.id}`.trim() : '';
    });
    const tabTo = async (pattern) => {
      for (let i = 0; i < 200; i += 1) {
        await page.keyboard.press('Tab');
        if (pattern.test(await focused())) return;
      }
      throw new Error(`Tab never reached ${pattern}`);
    };
    await tabTo(/^INPUT checkbox .*H-2000-0417/);
    await page.keyboard.press('Space');
    await tabTo(/^INPUT checkbox I have read the Offer to Exchange/);
    await page.keyboard.press('Space');
    await tabTo(/^INPUT checkbox I have read the Notice of Amendment/);
    await page.keyboard.press('Space');
    await tabTo(/^INPUT text/);
    await page.keyboard.type('Avery Lindqvist');
    await tabTo(/^BUTTON submit Sign election/);
    await page.keyboard.press('Enter');
    await expect(page.locator('li[data-sequence="1"] .ew-outbox-status')).toHaveText(RECEIVED);
    expect((await receiver.record('E-1001')).history).toHaveLength(1);
  } finally {
    await receiver.stop();
  }
});
