import { test, expect } from './fixtures.js';
import { axeViolations, deploy } from './helpers.js';

const DEADLINE = Date.parse('2001-09-27T23:59:00-04:00');
const SINGLE = 'holder=holders/e1001-avery-lindqvist.json';
const countdown = (page) => page.getByRole('region', { name: 'Time left to make your election' });
const grantBox = (page) => page.getByRole('checkbox', { name: /^Exchange grant H-2000-0417/ });

for (const [timezoneId, local] of [
  ['America/New_York', 'Thursday, September 27, 2001 at 11:59:00 PM EDT'],
  ['America/Los_Angeles', 'Thursday, September 27, 2001 at 8:59:00 PM PDT'],
  ['Asia/Tokyo', 'Friday, September 28, 2001 at 12:59:00 PM GMT+9'],
]) {
  test.describe(`in ${timezoneId}`, () => {
    test.use({ timezoneId, locale: 'en-US' });
    test('the countdown and the deadline read right', async ({ page }) => {
      await page.goto(`/?${SINGLE}&at=2001-09-27T20:00:00-04:00`);
      await expect(countdown(page)).toContainText(/Time left: 03:5[89]:\d\d/);
      await expect(countdown(page)).toContainText('Deadline: 11:59 p.m., Eastern Daylight Time, on September 27, 2001.');
      await expect(countdown(page)).toContainText(`In your time zone: ${local}.`);
    });
  });
}

test('the deadline in the reader\'s zone is written after the ready mark, never before it', async ({ page }) => {
  // The browser's first formatter with a zone name loads its time-zone data (tens of ms):
  // it must not hold back the first screen. On a slow phone (6x CPU) Yew's scheduler
  // yields to the browser between effects, which is when a zero timer got in first.
  await page.addInitScript(() => {
    const Native = Intl.DateTimeFormat;
    window.__zoned = [];
    const Wrapped = function (locales, options) {
      if (options && options.timeStyle) window.__zoned.push(performance.now());
      return new Native(locales, options);
    };
    Wrapped.prototype = Native.prototype;
    Wrapped.supportedLocalesOf = Native.supportedLocalesOf.bind(Native);
    Intl.DateTimeFormat = Wrapped;
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
  await page.goto(`/?${SINGLE}`);
  await expect(countdown(page)).toContainText(/In your time zone: \w+day, September 2[78], 2001 at /);
  const timing = await page.evaluate(() => ({
    ready: performance.getEntriesByName('election-widget:ready')[0]?.startTime,
    zoned: window.__zoned,
  }));
  expect(timing.ready).toBeGreaterThan(0);
  expect(timing.zoned.length).toBeGreaterThan(0);
  expect(Math.min(...timing.zoned)).toBeGreaterThan(timing.ready);
});

test('with the device clock an hour slow, the server time governs and the lock comes at the true deadline', async ({ page }) => {
  const trueStart = DEADLINE - 30_000;
  // The device believes it is an hour earlier than it is.
  await page.clock.install({ time: trueStart - 3_600_000 });
  const realStart = Date.now();
  // The company's time endpoint tells the truth (the test's real time elapsed added).
  await page.route('**/time-endpoint', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ now_ms: trueStart + (Date.now() - realStart) }) }),
  );
  // The company's deployment names its time endpoint (a link cannot).
  await deploy(page, { link_preview: true, time_url: 'time-endpoint' });
  await page.goto(`/?${SINGLE}&at=live`);
  await expect(countdown(page)).toContainText(/Time left: 00:00:(2\d|30)/);
  await expect(grantBox(page)).toBeEnabled();
  await expect(page.getByText("this device's clock is used")).toHaveCount(0);

  // Two seconds before the true deadline: still open. (The clock also runs in real
  // time, which a busy machine stretches: forward by what the countdown says is left.)
  const left = Number((await countdown(page).textContent()).match(/Time left: 00:00:(\d\d)/)[1]);
  await page.clock.fastForward(Math.max(0, left - 2) * 1000);
  await expect(countdown(page)).toContainText(/Time left: 00:00:0[0-3]/);
  await expect(grantBox(page)).toBeEnabled();
  // At the true deadline (within a second): locked, though the device clock says 11 p.m.
  await page.clock.fastForward(3_500);
  await expect(countdown(page)).toContainText('The offer has expired.');
  await expect(grantBox(page)).toBeDisabled();
  await expect(page.getByText('Elections can no longer be made or changed; the last election received before the deadline governs.')).toBeVisible();
  expect(await page.evaluate(() => new Date().getUTCHours())).toBe(2); // the device: 10:59 p.m. EDT
});

test('crossing the deadline in a preview locks the form, and a screen reader hears it once', async ({ page }) => {
  await page.clock.install();
  await page.goto(`/?${SINGLE}&at=2001-09-27T23:58:58-04:00`);
  await expect(countdown(page)).toContainText(/Time left: 00:00:0[0-2]/);
  await expect(countdown(page).getByRole('status')).toHaveText('Less than one hour left to make or change your election.');
  await page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' }).check();
  await page.clock.fastForward(3_000);
  await expect(countdown(page)).toHaveAttribute('data-phase', 'closed');
  await expect(countdown(page).getByRole('status')).toHaveText('The offer has expired. Elections can no longer be made or changed.');
  await expect(grantBox(page)).toBeDisabled();
  await expect(grantBox(page)).toBeChecked();
  await expect(page.getByRole('button', { name: 'Start over' })).toBeDisabled();
});

test('a preview says so on every screen, and a bad preview moment is an error, not a live widget', async ({ page }) => {
  await page.goto(`/?${SINGLE}&at=2001-09-20T10:00:00-04:00`);
  await expect(page.getByRole('note', { name: 'Preview' })).toContainText('Preview as of');
  await expect(page.getByRole('note', { name: 'Preview' })).toContainText('nothing can be submitted from it');
  await page.goto(`/?${SINGLE}&at=tomorrow`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Page setting at=tomorrow: cannot be used');
  await expect(alert).toContainText('`tomorrow` is not an RFC 3339 instant');
});

test('on the real clock Mpower\'s offer is long expired', async ({ page }) => {
  await page.goto(`/?${SINGLE}&at=live`);
  await expect(countdown(page)).toContainText('The offer has expired.');
  await expect(grantBox(page)).toBeDisabled();
  await expect(page.getByRole('note', { name: 'Preview' })).toHaveCount(0);
  expect(await axeViolations(page)).toEqual([]);
});

test('when the offer is extended, the countdown follows and says so', async ({ page }) => {
  await page.goto(`/?${SINGLE}&at=2001-09-26T12:00:00-04:00`);
  await expect(countdown(page)).toContainText(/Time left: 1 day, 11 hours, 5\d minutes|Time left: 35:/);
  await page.getByRole('checkbox', { name: 'Exchange grant H-2000-0417' }).check();

  // The company extends the offer by a week; the employee comes back.
  const { offerJson } = await import('./helpers.js');
  const extended = offerJson();
  extended.version = 3;
  extended.expiration.instant = '2001-10-04T23:59:00-04:00';
  extended.expiration.legal_wording = '11:59 p.m., Eastern Daylight Time, on October 4, 2001';
  await page.route('**/offers/mpower-2001.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify(extended) }),
  );
  await page.reload();
  await expect(page.getByText('The offer was extended to 11:59 p.m., Eastern Daylight Time, on October 4, 2001.')).toBeVisible();
  await expect(countdown(page)).toContainText('Time left: 8 days, 11 hours');
  await expect(countdown(page)).toContainText('Deadline: 11:59 p.m., Eastern Daylight Time, on October 4, 2001.');
  // Said once: the next visit is quiet.
  await page.reload();
  await expect(countdown(page)).toContainText('October 4, 2001');
  await expect(page.getByText('The offer was extended to')).toHaveCount(0);
});
