// Signing and delivery against the real reference receiver (started per test on
// 127.0.0.1): receipts verified in the browser, offline spells, injected failures, lost
// answers, reloads mid-retry, postMessage delivery, a tampered receipt, the deadline
// passing while an election waits, and a change and a withdrawal governing in turn. The
// receiver's own record is checked every time: exactly one election per signing.
import { readFileSync } from 'node:fs';
import { test, expect, watchCsp } from './fixtures.js';
import { axeViolations, refuseModule } from './helpers.js';
import { WIDGET, TOKENS, startReceiver, portal, openPortal, httpConfig, acknowledgeAll, sign } from './receiver.js';

const AVERY = 'e1001-avery-lindqvist.json';
const JORDAN = 'e1002-jordan-okafor.json';
const RECEIVED = /Received by Mpower Holding Corporation at \d{1,2}:\d\d:\d\d [ap]\.m\. EDT on September \d\d, 2001\. Receipt R\d{10}, verified\./;

let receiver;
test.beforeEach(async () => {
  receiver = await startReceiver();
});
test.afterEach(async () => {
  await receiver.stop();
});

const status = (page, sequence) => page.locator(`li[data-sequence="${sequence}"] .ew-outbox-status`);

async function pickAndSign(page, grant = /H-2000-0417/) {
  await page.getByRole('checkbox', { name: grant }).check();
  await acknowledgeAll(page);
  await sign(page, 'Avery Lindqvist');
}

test("the portal hands the employee's token to the element, and renews it when the receiver refuses it", async ({ page }) => {
  // No token in the configuration: the portal's sign-on gives it, through a property.
  const config = { time_url: `${receiver.url}/v1/time`, delivery: { transport: 'http', url: receiver.url } };
  const script = `
    window.tokenAsks = [];
    let current = 'an-expired-token-of-the-portal';
    document.getElementById('w').token = async ({ fresh }) => {
      window.tokenAsks.push(fresh);
      // Made here, as a sign-on library would: the token is in no text of the page.
      if (fresh) current = ${JSON.stringify(TOKENS['E-1001'].split('-'))}.join('-');
      return current;
    };`;
  await openPortal(page, portal(AVERY, config, script));
  await pickAndSign(page);
  await expect(status(page, 1)).toHaveText(RECEIVED);
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
  const asks = await page.evaluate(() => window.tokenAsks);
  expect(asks.filter((fresh) => fresh)).toHaveLength(1);
  expect(asks.length).toBeGreaterThan(2);
  // The token is in no attribute and no text of the page, and the property does not give
  // it back to other scripts.
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  expect(html).not.toContain(TOKENS['E-1001']);
  expect(await page.evaluate(() => document.getElementById('w').token)).toBeUndefined();
});

test('a token that is not a token is not sent, and the election waits for a good one', async ({ page }) => {
  const config = { time_url: `${receiver.url}/v1/time`, delivery: { transport: 'http', url: receiver.url } };
  const script = `
    window.goodToken = false;
    document.getElementById('w').token = () => (window.goodToken ? ${JSON.stringify(TOKENS['E-1001'])} : 'two words');`;
  const console = [];
  page.on('console', (m) => { if (m.type() === 'error') console.push(m.text()); });
  await openPortal(page, portal(AVERY, config, script));
  await pickAndSign(page);
  await expect(status(page, 1)).toContainText('Not delivered yet');
  expect((await receiver.record('E-1001')).history).toHaveLength(0);
  // The portal's developer is told why, on the console.
  await expect.poll(() => console.join('\n')).toContain('election-widget: the page gave no usable token (the token must be a string of visible characters)');
  await page.evaluate(() => { window.goodToken = true; });
  await page.getByRole('button', { name: 'Try again now' }).click();
  await expect(status(page, 1)).toHaveText(RECEIVED);
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('sign and deliver: a verified receipt, kept, downloadable, and the host told', async ({ page }) => {
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await expect(page.getByRole('heading', { name: 'Review and sign' })).toBeVisible();
  // Not before the documents are acknowledged, nor with another name.
  await page.getByRole('checkbox', { name: /H-2000-0417/ }).check();
  await page.getByLabel('Type your full name to sign').fill('Avery Lindqvist');
  await expect(page.getByRole('button', { name: 'Sign election' })).toBeDisabled();
  await expect(page.getByText(/Acknowledge that you have read/)).toBeVisible();
  await acknowledgeAll(page);
  await page.getByLabel('Type your full name to sign').fill('Someone Else');
  await expect(page.getByText('Type your name as the company has it: Avery Lindqvist.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign election' })).toBeDisabled();
  await sign(page, 'avery  lindqvist');

  await expect(status(page, 1)).toHaveText(RECEIVED);
  await expect(page.getByText('In effect: election 1 (exchange 1 grant, 12,000 options).')).toBeVisible();
  const record = await receiver.record('E-1001');
  expect(record.history).toHaveLength(1);
  expect(record.governing.election.payload.signed_name).toBe('avery  lindqvist');
  expect(record.governing.election.payload.decisions).toEqual([{ grant_id: 'H-2000-0417', decision: 'exchange', options: 12000 }]);

  // The host heard both, with the signed election and the receipt (the delivery is told
  // once the entry is stored, which may be just after the status is shown).
  await expect.poll(() => page.evaluate(() => window.portalEvents.some((e) => e.type === 'election-delivered'))).toBe(true);
  const events = await page.evaluate(() => window.portalEvents);
  const signed = events.find((e) => e.type === 'election-signed');
  const delivered = events.find((e) => e.type === 'election-delivered');
  expect(signed.signed_election).toEqual(record.governing.election);
  expect(delivered).toMatchObject({ schema: 1, sequence: 1, verified: true, timeliness: 'on_time', receipt: record.governing.receipt });

  // The receipt downloads as the receiver signed it.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download receipt for election 1' }).click(),
  ]);
  const saved = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString()));
  expect(saved).toEqual(record.governing.receipt);

  // The review form and the outbox pass an accessibility audit.
  expect(await axeViolations(page)).toEqual([]);

  // A reload shows the same, from the outbox on this device.
  await page.reload();
  await expect(status(page, 1)).toHaveText(RECEIVED);
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('offline: the election waits, and goes once when the connection returns', async ({ page, context }) => {
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await page.getByRole('checkbox', { name: /H-2000-0417/ }).check();
  await acknowledgeAll(page);
  await context.setOffline(true);
  await sign(page, 'Avery Lindqvist');
  await expect(status(page, 1)).toContainText('Not delivered yet: this device is offline');
  expect((await receiver.record('E-1001')).history).toHaveLength(0);
  await context.setOffline(false);
  await expect(status(page, 1)).toHaveText(RECEIVED);
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('500s, a 503 with Retry-After and an answer lost after the commit: retried, one election stored', async ({ page }) => {
  let calls = 0;
  await page.route(`${receiver.url}/v1/elections`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    calls += 1;
    if (calls === 1) return route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"boom"}}' });
    if (calls === 2) return route.fulfill({ status: 503, headers: { 'Retry-After': '1' }, body: '' });
    if (calls === 3) {
      // The receiver stores it and answers; the answer never reaches the page.
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await pickAndSign(page);
  await expect(status(page, 1)).toHaveText(RECEIVED, { timeout: 20_000 });
  expect(calls).toBe(4);
  const record = await receiver.record('E-1001');
  expect(record.history).toHaveLength(1);
});

test('a reload while retrying resumes from the outbox and delivers once', async ({ page }) => {
  await page.route(`${receiver.url}/v1/elections`, (route) =>
    route.request().method() === 'POST' ? route.fulfill({ status: 502, body: 'Bad gateway' }) : route.continue());
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await pickAndSign(page);
  await expect(status(page, 1)).toContainText('Not delivered yet: the backend is unavailable (HTTP 502)');
  await page.unroute(`${receiver.url}/v1/elections`);
  await page.reload();
  await expect(status(page, 1)).toHaveText(RECEIVED, { timeout: 20_000 });
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('a tampered receipt is refused and said so; asking again gets the real one', async ({ page }) => {
  await page.route(`${receiver.url}/v1/elections`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const response = await route.fetch();
    const body = await response.json();
    body.receipt.receipt.received_at_ms -= 3_600_000;
    return route.fulfill({ response, body: JSON.stringify(body) });
  });
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await pickAndSign(page);
  await expect(status(page, 1)).toContainText("The backend's receipt does not hold: its signature does not verify");
  expect(await axeViolations(page)).toEqual([]);
  await expect(page.getByText(/Received by/)).toHaveCount(0);
  await page.unroute(`${receiver.url}/v1/elections`);
  await page.getByRole('button', { name: 'Ask again' }).click();
  await expect(status(page, 1)).toHaveText(RECEIVED);
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('a change and a withdrawal each govern in turn, here and at the receiver', async ({ page }) => {
  await openPortal(page, portal(JORDAN, httpConfig(receiver, 'E-1002')));
  const first = page.getByRole('checkbox', { name: /^Exchange grant/ }).first();
  await first.check();
  await acknowledgeAll(page);
  await sign(page, 'Jordan Okafor');
  await expect(status(page, 1)).toHaveText(RECEIVED);
  await expect(page.getByText(/^In effect: election 1 \(exchange \d+ grants?/)).toBeVisible();

  await page.getByRole('button', { name: 'Exchange all eligible grants' }).click();
  await sign(page, 'Jordan Okafor', 'Sign changed election');
  await expect(status(page, 2)).toHaveText(RECEIVED);
  await expect(page.getByText(/^In effect: election 2 /)).toBeVisible();
  let record = await receiver.record('E-1002');
  expect(record.governing.election.payload.sequence).toBe(2);

  await page.getByRole('button', { name: 'Withdraw my election' }).click();
  await expect(status(page, 3)).toHaveText(RECEIVED);
  await expect(page.getByText('In effect: election 3 (withdrawal: keep all options).')).toBeVisible();
  record = await receiver.record('E-1002');
  expect(record.history).toHaveLength(3);
  expect(record.governing.election.payload.sequence).toBe(3);
  expect(record.governing.election.payload.decisions.every((d) => d.decision === 'keep')).toBe(true);
});

test('a new device learns the record from the receiver and continues the sequence', async ({ page, browser }) => {
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await pickAndSign(page);
  await expect(status(page, 1)).toHaveText(RECEIVED);
  const other = await browser.newContext();
  const otherViolations = await watchCsp(other);
  const second = await other.newPage();
  await openPortal(second, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await expect(second.getByText('In effect: election 1 (exchange 1 grant, 12,000 options).')).toBeVisible();
  await expect(second.getByText(/signed on another device/)).toBeVisible();
  await acknowledgeAll(second);
  await second.getByLabel('Type your full name to sign').fill('Avery Lindqvist');
  await second.getByRole('button', { name: 'Withdraw my election' }).click();
  await expect(status(second, 2)).toHaveText(RECEIVED);
  expect((await receiver.record('E-1001')).governing.election.payload.sequence).toBe(2);
  await other.close();
});

test('postMessage delivery: the portal forwards it; answers from another origin are ignored', async ({ page }) => {
  const info = await receiver.offer();
  const STRANGER = 'http://127.0.0.1:8095';
  const config = {
    time_url: `${receiver.url}/v1/time`,
    delivery: { transport: 'post-message', receiver_key: info.receiver_key.jwk },
  };
  // The portal hears the election; the test plays the portal's backend.
  const script = `window.toDeliver = [];
window.addEventListener('message', (e) => { if (e.data && e.data.type === 'election-widget:deliver') window.toDeliver.push(e.data); });`;
  await page.route(`${STRANGER}/frame.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<p>stranger</p>' }));
  await openPortal(page, portal(AVERY, config, script));
  await pickAndSign(page);
  await expect.poll(() => page.evaluate(() => window.toDeliver.length)).toBeGreaterThan(0);
  const message = await page.evaluate(() => window.toDeliver[0]);
  expect(message.source).toBe('election-widget');
  // The portal's backend registers the employee's key (sent with the election), then submits.
  const registered = await fetch(`${receiver.url}/v1/keys`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer e2e-token-avery-lindqvist' },
    body: JSON.stringify({ jwk: message.public_jwk }),
  });
  expect([200, 201]).toContain(registered.status);
  const submitted = await fetch(`${receiver.url}/v1/elections`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer e2e-token-avery-lindqvist' },
    body: JSON.stringify(message.signed_election),
  });
  const { receipt } = await submitted.json();

  // A stranger's frame answers first, with the real receipt: ignored and counted.
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.src = src;
    f.id = 'stranger';
    document.body.append(f);
    return new Promise((r) => f.addEventListener('load', r));
  }, `${STRANGER}/frame.html`);
  const strangerFrame = page.frames().find((f) => f.url().startsWith(STRANGER));
  await strangerFrame.evaluate(({ key, receipt }) => {
    window.parent.postMessage({ type: 'election-widget:delivery-result', idempotency_key: key, receipt }, '*');
  }, { key: message.idempotency_key, receipt });
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.ewIgnoredDeliveryMessages)).toBe('1');
  await expect(status(page, 1)).toHaveText('Sending…');

  // The portal itself answers: delivered, and the receipt verifies with the pinned key.
  await page.evaluate(({ key, receipt }) => {
    window.postMessage({ type: 'election-widget:delivery-result', idempotency_key: key, receipt }, location.origin);
  }, { key: message.idempotency_key, receipt });
  await expect(status(page, 1)).toHaveText(RECEIVED);
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('signing loads after the first screen; when it cannot load, the employee is told, nothing is lost, and it is tried again', async ({ page }) => {
  // The release build's second module (src/platform/lazy.rs): the courier, signing and
  // the outbox. Refused at first, as a dropped connection would.
  const delivery = await refuseModule(page, 'delivery');
  const asked = delivery.asked;
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await expect(page.getByRole('table')).toBeVisible();
  await page.getByRole('checkbox', { name: /H-2000-0417/ }).check();
  await acknowledgeAll(page);
  await page.getByLabel('Type your full name to sign').fill('Avery Lindqvist');
  await expect(page.getByRole('alert').filter({ hasText: 'Your signed elections cannot be shown or sent yet: the part of this page that signs and sends elections could not be loaded' })).toBeVisible();
  await expect(page.getByText('Signing could not be loaded: check your connection and try again.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign election' })).toBeDisabled();
  expect(asked).toHaveLength(1);

  // The connection is back: the employee asks again, and what they chose is still there.
  delivery.allow();
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('button', { name: 'Sign election' })).toBeEnabled();
  await expect(page.getByRole('checkbox', { name: /H-2000-0417/ })).toBeChecked();
  expect(asked).toHaveLength(2);
  await page.getByRole('button', { name: 'Sign election' }).click();
  await expect(status(page, 1)).toHaveText(RECEIVED);
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('signing that could not load is loaded when the browser is online again', async ({ page, context }) => {
  const delivery = await refuseModule(page, 'delivery');
  const asked = delivery.asked;
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  // Asked again while still refused: the failure stands, and so does the way out.
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect.poll(() => asked.length).toBe(2);
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  delivery.allow();
  await context.setOffline(true);
  await context.setOffline(false);
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(page.getByText('You have not signed an election.')).toBeVisible();
  expect(asked).toHaveLength(3);
});

test('the signing module is fetched after the ready mark, never before it', async ({ page }) => {
  // A slow phone: the renders run long, and Yew's scheduler then yields to the browser
  // between effects, which is when a courier that did not wait for the mark got in first.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await expect(page.getByRole('button', { name: 'Sign election' })).toBeAttached();
  await page.getByRole('checkbox', { name: /H-2000-0417/ }).check();
  await acknowledgeAll(page);
  await page.getByLabel('Type your full name to sign').fill('Avery Lindqvist');
  await expect(page.getByRole('button', { name: 'Sign election' })).toBeEnabled();
  const timing = await page.evaluate(() => {
    const ready = performance.getEntriesByName('election-widget:ready')[0];
    const module = performance.getEntriesByType('resource').find((r) => r.name.endsWith('-delivery.wasm'));
    return { ready: ready?.startTime, fetched: module?.startTime };
  });
  expect(timing.ready).toBeGreaterThan(0);
  expect(timing.fetched).toBeGreaterThan(timing.ready);
});

test('no backend configured: the signed election is saved as a file to hand in', async ({ page }) => {
  await openPortal(page, portal(AVERY, { time_url: `${receiver.url}/v1/time` }));
  await page.getByRole('checkbox', { name: /H-2000-0417/ }).check();
  await acknowledgeAll(page);
  await page.getByLabel('Type your full name to sign').fill('Avery Lindqvist');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Sign election' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('election-mpower-2001-option-exchange-E-1001-1.json');
  const file = JSON.parse(Buffer.concat(await (await download.createReadStream()).toArray()).toString());
  expect(file.payload.signed_name).toBe('Avery Lindqvist');
  await expect(status(page, 1)).toContainText('Give this file to HR before the deadline');
  expect(file.signature).toMatch(/^[\w-]+\.\.[\w-]+$/);
});

test('where nothing can be stored: a key and an outbox for this page only, said so, and still delivered', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }));
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await pickAndSign(page);
  await expect(status(page, 1)).toHaveText(RECEIVED);
  await expect(page.getByText('Your signing key lasts only while this page is open: this browser offers no IndexedDB.')).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Signed elections cannot be kept on this device (this browser offers no IndexedDB)');
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('storage full: the election is kept in memory, sent, and the employee told', async ({ page }) => {
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, key) {
      if (this.name === 'outbox') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    };
  });
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await pickAndSign(page);
  await expect(status(page, 1)).toHaveText(RECEIVED);
  await expect(page.getByRole('alert')).toContainText("Signed elections cannot be kept on this device (this device's storage is full)");
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('two tabs: one sends, both show the receipt, one request and one election', async ({ context }) => {
  let posts = 0;
  await context.route(`${receiver.url}/v1/elections`, (route) => {
    if (route.request().method() === 'POST') posts += 1;
    return route.continue();
  });
  const [a, b] = [await context.newPage(), await context.newPage()];
  await openPortal(a, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await openPortal(b, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await expect(b.getByText('You have not signed an election.')).toBeVisible();
  await pickAndSign(a);
  await expect(status(a, 1)).toHaveText(RECEIVED);
  await expect(status(b, 1)).toHaveText(RECEIVED);
  await expect(b.getByText('In effect: election 1 (exchange 1 grant, 12,000 options).')).toBeVisible();
  expect(posts).toBe(1);
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
});

test('the receiver\'s signed checkpoint is kept and downloadable, and one that does not extend it is a warning', async ({ page }) => {
  await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
  await pickAndSign(page);
  await expect(status(page, 1)).toHaveText(RECEIVED);
  await expect(page.getByText(/^The receiver's signed checkpoint: Mpower Holding Corporation held 1 receipt at /)).toBeVisible();
  // The chain as it stood after the first election, signed by the receiver.
  const first = await (await fetch(`${receiver.url}/v1/checkpoint`)).json();
  expect(first.checkpoint.count).toBe(1);
  await page.getByLabel('Type your full name to sign').fill('Avery Lindqvist');
  await page.getByRole('button', { name: 'Withdraw my election' }).click();
  await expect(status(page, 2)).toHaveText(RECEIVED);
  await expect(page.getByText(/held 2 receipts at /)).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download checkpoint' }).click()]);
  const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(saved.checkpoint.count).toBe(2);
  // Later the receiver shows its chain as it was before (the newest receipt deleted, as
  // someone with the database could): the device knows better, and says so.
  await page.route(`${receiver.url}/v1/checkpoint`, (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(first), headers: { 'access-control-allow-origin': WIDGET } }));
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: "Mpower Holding Corporation's record of elections no longer extends what it showed this device before" })).toBeVisible();
  await expect(page.getByText(/held 2 receipts at /)).toBeVisible();
});

test('the example portal delivers to the receiver as shipped (make demo)', async ({ page }) => {
  const { readFileSync } = await import('node:fs');
  const html = readFileSync(new URL('../../examples/portal-delivery.html', import.meta.url), 'utf8')
    .replaceAll('http://127.0.0.1:8787', receiver.url)
    .replaceAll('../', '/')
    .replace('src="portal-delivery.js"', 'src="/examples/portal-delivery.js"');
  // The example's stand-in sign-on gives the demo receiver's token; this receiver has the
  // tests' tokens.
  const script = readFileSync(new URL('../../examples/portal-delivery.js', import.meta.url), 'utf8')
    .replaceAll('demo-token-e1001-avery', 'e2e-token-avery-lindqvist');
  await page.route(`${WIDGET}/examples/portal-delivery.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: script }));
  await openPortal(page, html);
  await pickAndSign(page);
  await expect(status(page, 1)).toHaveText(RECEIVED);
  await expect(page.locator('#event-log')).toContainText('"type":"election-delivered"');
});

test.describe('at the deadline', () => {
  test.beforeEach(async () => {
    // This test's receiver starts 25 seconds before the deadline instead.
    await receiver.stop();
    receiver = await startReceiver({ clockStart: '2001-09-27T23:58:35-04:00' });
  });

  test('an election queued when the deadline passes is sent anyway, and the receiver decides', async ({ page }) => {
    test.setTimeout(60_000);
    await page.route(`${receiver.url}/v1/elections`, (route) =>
      route.request().method() === 'POST' ? route.fulfill({ status: 503, body: '' }) : route.continue());
    await openPortal(page, portal(AVERY, httpConfig(receiver, 'E-1001')));
    await pickAndSign(page);
    await expect(status(page, 1)).toContainText('Not delivered yet');
    // The offer closes while it waits; the election stays in the outbox.
    await expect(page.getByText('The offer has expired.', { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Sign election' })).toBeDisabled();
    await page.unroute(`${receiver.url}/v1/elections`);
    // "Try again now" is there while the election waits for its next retry; a scheduled
    // retry that starts first takes it away (and is itself the attempt that now gets
    // through), so a click that finds no button is not a failure.
    await page.getByRole('button', { name: 'Try again now' }).click({ timeout: 5_000 }).catch(() => {});
    await expect(status(page, 1)).toContainText(/Received by Mpower Holding Corporation at 11:59:\d\d p\.m\. EDT on September 27, 2001, after the deadline: it does not count/);
    await expect(page.getByText('No election of yours has been confirmed as received before the deadline yet.')).toBeVisible();
    const record = await receiver.record('E-1001');
    expect(record.governing).toBeNull();
    expect(record.history).toHaveLength(1);
    expect(record.history[0].receipt.receipt.timeliness).toBe('late');
  });
});
