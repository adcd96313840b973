// The iframe embed (embed.html) inside a portal of another origin. The widget is served
// on the test server (127.0.0.1:8091); the portal page is served by two servers of its own
// on other loopback ports (the portal's origin, and a stranger's), and embed.html's
// deployment allowlist is set per test.
import { test, expect } from './fixtures.js';
import { refuseModule } from './helpers.js';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { TOKENS, startReceiver } from './receiver.js';

const WIDGET = 'http://127.0.0.1:8091';
const example = readFileSync(new URL('../../examples/portal-iframe.html', import.meta.url), 'utf8')
  .replace('src="../embed.html"', `src="${WIDGET}/embed.html"`)
  // The portal frames the widget from another origin: its policy says so.
  .replace("default-src 'self';", `default-src 'self'; frame-src ${WIDGET};`);

/** What the portal servers answer for /portal.html and its script (a test may change
 *  them, and resets them). */
let served = example;
const exampleScript = readFileSync(new URL('../../examples/portal-iframe.js', import.meta.url), 'utf8');
let servedScript = exampleScript;

/** A server on a free loopback port answering /portal.html with the example portal. */
async function portalServer() {
  const server = createServer((req, res) => {
    if (req.url === '/portal.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(served);
    } else if (req.url === '/portal-iframe.js') {
      // The example portal's script, beside its page as in examples/.
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(servedScript);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

let PORTAL;
let STRANGER;
const servers = [];
test.beforeAll(async () => {
  const [portal, stranger] = [await portalServer(), await portalServer()];
  servers.push(portal.server, stranger.server);
  PORTAL = portal.origin;
  STRANGER = stranger.origin;
});
test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Opens the portal at `origin`, with embed.html allowing only `allowed`, as a
 *  deployment would write it: the meta tag and the header's frame-ancestors alike (or,
 *  with `header: false`, served by a host that sends no frame-ancestors, so that the
 *  widget's own check is what stands). */
async function setUp(page, origin, allowed, { header = true, connect = '' } = {}) {
  await page.route(`${WIDGET}/embed.html*`, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(
      /(name="election-widget-allowed-origins" content=")[^"]*"/,
      `$1${allowed}"`,
    // A backend on another origin is added to the page's connect-src, as its comment says.
    ).replace("connect-src 'self'", `connect-src 'self' ${connect}`);
    const headers = response.headers();
    const csp = headers['content-security-policy'] || '';
    headers['content-security-policy'] = header
      ? csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${allowed}`)
      : csp.replace(/;?\s*frame-ancestors [^;]*/, '');
    delete headers['content-encoding'];
    delete headers['content-length'];
    await route.fulfill({ status: response.status(), headers, body });
  });
  await page.goto(`${origin}/portal.html`);
  return page.frameLocator('#election');
}

test('from an allowed portal: configured by message, events and height reach the portal', async ({ page }) => {
  const frame = await setUp(page, PORTAL, PORTAL);
  await expect(frame.getByText('1 option grant held by Avery Lindqvist')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.portalEvents.some((e) => e.type === 'ready'))).toBe(true);
  const ready = await page.evaluate(() => window.portalEvents.find((e) => e.type === 'ready'));
  expect(ready).toEqual({ source: 'election-widget', schema: 1, type: 'ready', offer_id: 'mpower-2001-option-exchange', offer_version: 2, employee_id: 'E-1001', grants: 1 });
  // The frame is sized to its content: no scrollbar inside.
  await expect.poll(async () => (await page.locator('#election').boundingBox()).height).toBeGreaterThan(1000);
  const inner = page.frames().find((f) => f.url().startsWith(`${WIDGET}/embed.html`));
  await expect.poll(() => inner.evaluate(() => document.documentElement.scrollHeight - document.documentElement.clientHeight)).toBeLessThanOrEqual(1);
  // A change inside is heard outside, and the frame grows with the content.
  const before = (await page.locator('#election').boundingBox()).height;
  await frame.getByRole('checkbox', { name: /H-2000-0417/ }).check();
  await expect.poll(() => page.evaluate(() => window.portalEvents.some((e) => e.type === 'draft-changed'))).toBe(true);
  expect((await page.locator('#election').boundingBox()).height).toBeGreaterThanOrEqual(before);
});

test('from another origin: the page\'s frame-ancestors keeps a stranger from framing it at all', async ({ page, cspViolations }) => {
  await setUp(page, STRANGER, PORTAL);
  await expect.poll(() => cspViolations.some((v) => v.includes('frame-ancestors'))).toBe(true);
  expect(page.frames().some((f) => f.url().startsWith(`${WIDGET}/embed.html`) && f.url() !== 'about:blank')).toBe(false);
  expect(await page.evaluate(() => window.portalEvents)).toEqual([]);
  // The refusal this test expects is the one violation it allows.
  cspViolations.length = 0;
});

test('from another origin, where the host sent no frame-ancestors: the handshake is ignored and counted, and nothing is sent', async ({ page }) => {
  const frame = await setUp(page, STRANGER, PORTAL, { header: false });
  const inner = () => page.frames().find((f) => f.url().startsWith(`${WIDGET}/embed.html`));
  // The frame does not greet a stranger; the stranger configures it anyway once it listens.
  await expect.poll(async () => inner()?.evaluate(() => document.getElementById('election-widget-frame').hasAttribute('data-listening'))).toBe(true);
  await page.evaluate((origin) => {
    document.getElementById('election').contentWindow.postMessage(
      { election_widget: 1, type: 'configure', offer: 'offers/mpower-2001.json', holder: 'holders/e1001-avery-lindqvist.json' }, origin);
  }, WIDGET);
  await expect.poll(async () => inner()?.evaluate(() => document.getElementById('election-widget-frame').dataset.ignoredMessages)).toBe('1');
  await expect(frame.getByText('Option Exchange Program')).toHaveCount(0);
  expect(await page.evaluate(() => window.portalEvents)).toEqual([]);
});

test('configured by its URL alone, settings included', async ({ page }) => {
  // A settings file on the widget's own origin, as a deployment would put one there.
  await page.route(`${WIDGET}/frame-settings.json`, (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ theme: 'dark', locale: 'en-GB' }) }));
  const config = encodeURIComponent('frame-settings.json');
  await page.goto(`${WIDGET}/embed.html?offer=offers/mpower-2001.json&holder=holders/e1003-priya-raman.json&config=${config}`);
  await expect(page.getByText(/Priya Raman/).first()).toBeVisible();
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('.ew')).backgroundColor)).toBe('rgb(22, 25, 29)');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en-GB');
});

test('a frame page with no theme follows the reader', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${WIDGET}/embed.html?offer=offers/mpower-2001.json&holder=holders/e1003-priya-raman.json`);
  await expect(page.getByText(/Priya Raman/).first()).toBeVisible();
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('.ew')).backgroundColor)).toBe('rgb(22, 25, 29)');
});

test('a post-message delivery from the frame goes to its allowed parent', async ({ page }) => {
  servedScript = exampleScript.replace(
    "config: { preview_at: '2001-09-20T10:00:00-04:00' }",
    `config: { time_url: '${WIDGET}/frame-time', delivery: { transport: 'post-message' } }`,
  );
  // The company's clock, on the widget's own origin (the frame's policy allows no other).
  await page.route(`${WIDGET}/frame-time`, (route) => route.fulfill({ contentType: 'application/json', body: '{"now_ms":1000994400000}' }));
  try {
    const frame = await setUp(page, PORTAL, PORTAL);
    await frame.getByRole('checkbox', { name: /H-2000-0417/ }).check();
    // Both documents' boxes: the sections below the grants arrive after ready.
    await expect(frame.getByRole('checkbox', { name: /I have read/ })).toHaveCount(2);
    for (const box of await frame.getByRole('checkbox', { name: /I have read/ }).all()) await box.check();
    await frame.getByLabel('Type your full name to sign').fill('Avery Lindqvist');
    await frame.getByRole('button', { name: 'Sign election' }).click();
    await expect.poll(() => page.evaluate(() => window.portalEvents.some((e) => e.type === 'election-widget:deliver'))).toBe(true);
    const message = await page.evaluate(() => window.portalEvents.find((e) => e.type === 'election-widget:deliver'));
    expect(message.signed_election.payload.employee_id).toBe('E-1001');
    expect(message.public_jwk.crv).toBe('P-256');
    // Until the portal answers, the election waits; the frame counted nothing as foreign.
    await expect(frame.locator('li[data-sequence="1"] .ew-outbox-status')).toHaveText('Sending…');
    const inner = page.frames().find((f) => f.url().startsWith(`${WIDGET}/embed.html`));
    expect(await inner.evaluate(() => document.getElementById('election-widget-frame').dataset.ignoredMessages)).toBeUndefined();
  } finally {
    servedScript = exampleScript;
  }
});

test('the portal gives the frame its employee\'s token by message, and a fresh one when the receiver refuses it', async ({ page }) => {
  const receiver = await startReceiver();
  // No token in the configuration: the portal's sign-on gives it, by message, to the
  // widget's origin only.
  servedScript = exampleScript.replace(
    "config: { preview_at: '2001-09-20T10:00:00-04:00' }",
    `config: { time_url: '${receiver.url}/v1/time', delivery: { transport: 'http', url: '${receiver.url}' } }`,
  ) + `
window.tokenRequests = 0;
window.addEventListener('message', (event) => {
  if (event.origin !== widgetOrigin) return;
  const give = (token) => frame.contentWindow.postMessage({ election_widget: 1, type: 'token', token }, widgetOrigin);
  if (event.data?.type === 'frame-ready') give('an-expired-token-of-the-portal');
  if (event.data?.type === 'token-request') {
    window.tokenRequests += 1;
    give(${JSON.stringify(TOKENS['E-1001'])});
  }
});`;
  try {
    // The portal is served from loopback here: Chromium's Local Network Access asks before
    // the frame calls a loopback receiver (receiver.js, openPortal).
    await page.context().grantPermissions(['local-network-access']);
    const frame = await setUp(page, PORTAL, PORTAL, { connect: receiver.url });
    await frame.getByRole('checkbox', { name: /H-2000-0417/ }).check();
    // Both documents' boxes: the sections below the grants arrive after ready.
    await expect(frame.getByRole('checkbox', { name: /I have read/ })).toHaveCount(2);
    for (const box of await frame.getByRole('checkbox', { name: /I have read/ }).all()) await box.check();
    await frame.getByLabel('Type your full name to sign').fill('Avery Lindqvist');
    await frame.getByRole('button', { name: 'Sign election' }).click();
    await expect(frame.locator('li[data-sequence="1"] .ew-outbox-status')).toHaveText(/Received by Mpower Holding Corporation at .* verified\./);
    expect((await receiver.record('E-1001')).history).toHaveLength(1);
    expect(await page.evaluate(() => window.tokenRequests)).toBe(1);
    const inner = page.frames().find((f) => f.url().startsWith(`${WIDGET}/embed.html`));
    expect(await inner.evaluate(() => document.getElementById('election-widget-frame').dataset.ignoredMessages)).toBeUndefined();
  } finally {
    servedScript = exampleScript;
    await receiver.stop();
  }
});

test("when the embed's own code cannot be fetched, the frame says so instead of staying blank", async ({ page }) => {
  const frame = await refuseModule(page, 'frame');
  await page.goto(`${WIDGET}/embed.html?offer=offers/mpower-2001.json&holder=holders/e1001-avery-lindqvist.json`);
  await expect(page.getByRole('alert')).toHaveText('The election widget could not be loaded (the network, most often). Reload the page to try again.');
  expect(frame.asked.length).toBeGreaterThan(0);
  // The network is back: a reload loads it.
  frame.allow();
  await page.reload();
  await expect(page.getByText(/Avery Lindqvist/).first()).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
