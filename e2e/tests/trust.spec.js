// Trust: what a link, a stranger's page or its server can make the widget do. A link may
// choose the offer and holder files on the deployment's own origins, the locale, the
// theme and (where the deployment allows it and nothing is delivered) a preview; never
// where elections go, which key receipts are checked with, or which clock governs.
// Each attack here is tried for real against a stranger's server on another loopback
// port, which must hear nothing.
import { createServer } from 'node:http';
import { test, expect } from './fixtures.js';
import { deploy } from './helpers.js';
import { WIDGET, TOKENS, startReceiver, acknowledgeAll, sign, openPortal } from './receiver.js';

const AVERY = 'holder=holders/e1001-avery-lindqvist.json';
const IN_PERIOD = Date.parse('2001-09-20T10:00:00-04:00');
const refusedNotice = (page) => page.locator('[data-state="refused"]');
const grantBox = (page) => page.getByRole('checkbox', { name: /^Exchange grant H-2000-0417/ });
const countdown = (page) => page.getByRole('region', { name: 'Time left to make your election' });

/** A stranger's server: answers anything a link could point the widget at, and counts. */
let stranger;
test.beforeAll(async () => {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' });
    // A clock long after the deadline, an offer, a receipt: whatever would do harm.
    res.end(req.url.includes('time') ? JSON.stringify({ now_ms: Date.parse('2001-10-30T00:00:00Z') }) : '{}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  stranger = { server, requests, origin: `http://127.0.0.1:${server.address().port}` };
});
test.afterAll(async () => new Promise((resolve) => stranger.server.close(resolve)));
test.beforeEach(() => {
  stranger.requests.length = 0;
});

/** The company's own time endpoint, on the widget's origin, inside the offer period. */
async function companyClock(page) {
  const realStart = Date.now();
  await page.route(`${WIDGET}/company-time`, (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ now_ms: IN_PERIOD + (Date.now() - realStart) }) }),
  );
}

/** The company's clock governs (the offer open), and an election reaches its receiver. */
async function electAndExpectReceipt(page, receiver) {
  await expect(countdown(page)).toContainText(/Time left: 7 days/);
  await grantBox(page).check();
  await acknowledgeAll(page);
  await sign(page, 'Avery Lindqvist');
  await expect(page.getByText(/Received by Mpower Holding Corporation at .* verified\./)).toBeVisible();
  expect((await receiver.record('E-1001')).history).toHaveLength(1);
}

test('a link cannot choose the clock: ?time= is refused, named, and the company clock governs', async ({ page }) => {
  await companyClock(page);
  await deploy(page, { time_url: 'company-time' });
  await page.addInitScript(() => {
    window.loadErrors = [];
    document.addEventListener('election-widget:load-error', (e) => window.loadErrors.push(e.detail), true);
  });
  await page.goto(`/?${AVERY}&time=${stranger.origin}/time`);
  await expect(countdown(page)).toContainText(/Time left: 7 days/);
  await expect(grantBox(page)).toBeEnabled();
  await expect(refusedNotice(page)).toContainText(`?time=${stranger.origin}/time`);
  await expect(refusedNotice(page)).toContainText('a link cannot choose the clock that governs the deadline');
  const [event] = await page.evaluate(() => window.loadErrors);
  expect(event).toMatchObject({ recoverable: true, problems: [{ file: 'settings', kind: 'refused', location: `?time=${stranger.origin}/time` }] });
  expect(stranger.requests).toEqual([]);
});

test('a link names data on the page\'s own origin only: a stranger\'s file or a data: URL is refused', async ({ page }) => {
  for (const offer of [`${stranger.origin}/offer.json`, `//127.0.0.1:${new URL(stranger.origin).port}/offer.json`, 'data:application/json,{}']) {
    await page.goto(`/?offer=${encodeURIComponent(offer)}&${AVERY}`);
    // The deployment's own offer, for the employee the link named on the page's origin.
    await expect(page.getByRole('heading', { level: 1, name: 'Option Exchange Program' })).toBeVisible();
    await expect(grantBox(page)).toBeVisible();
    await expect(refusedNotice(page)).toContainText(`?offer=${offer}`);
    await expect(refusedNotice(page)).toContainText(/a link may name files on http:\/\/127\.0\.0\.1:8091 only/);
  }
  expect(stranger.requests).toEqual([]);
});

test('where elections are delivered, a link cannot start a preview (and so cannot stop signing)', async ({ page }) => {
  const receiver = await startReceiver();
  try {
    await deploy(
      page,
      {
        link_preview: true,
        time_url: `${receiver.url}/v1/time`,
        delivery: { transport: 'http', url: receiver.url, headers: { Authorization: `Bearer ${TOKENS['E-1001']}` } },
      },
      { connect: [receiver.url] },
    );
    await page.goto(`/?${AVERY}&at=${encodeURIComponent('2001-09-28T00:00:00-04:00')}`);
    await expect(refusedNotice(page)).toContainText('a link cannot start a preview where elections are delivered');
    await expect(page.getByText(/^Preview as of/)).toHaveCount(0);
    await electAndExpectReceipt(page, receiver);
  } finally {
    await receiver.stop();
  }
});

test('a link to the company\'s embed.html cannot send the election elsewhere: it goes to the company\'s receiver', async ({ page }) => {
  const receiver = await startReceiver();
  try {
    // The company's deployment of embed.html names its receiver and its clock.
    await deploy(
      page,
      {
        time_url: `${receiver.url}/v1/time`,
        delivery: { transport: 'http', url: receiver.url, headers: { Authorization: `Bearer ${TOKENS['E-1001']}` } },
      },
      { connect: [receiver.url], path: ['/embed.html'] },
    );
    // A settings file the link names on an allowed origin, written by the attacker: a
    // stranger's backend, its key, its clock, and a preview.
    await page.route(`${WIDGET}/uploads/settings.json`, (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          delivery: { transport: 'http', url: stranger.origin, receiver_key: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' } },
          time_url: `${stranger.origin}/time`,
          preview_at: '2001-09-28T00:00:00-04:00',
          theme: 'dark',
        }),
      }),
    );
    const link = `${WIDGET}/embed.html?offer=offers/mpower-2001.json&${AVERY}`;
    // The same settings from the stranger's own origin are not even fetched.
    await page.goto(`${link}&config=${encodeURIComponent(`${stranger.origin}/settings.json`)}`);
    await expect(refusedNotice(page)).toContainText(`?config=${stranger.origin}/settings.json`);
    await page.goto(`${link}&config=uploads/settings.json`);
    for (const input of ['config.delivery', 'config.time_url', 'config.preview_at']) {
      await expect(refusedNotice(page)).toContainText(input);
    }
    // The theme, which a link may set, is taken.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.ew')).backgroundColor)).toBe('rgb(22, 25, 29)');
    await electAndExpectReceipt(page, receiver);
    expect(stranger.requests).toEqual([]);
  } finally {
    await receiver.stop();
  }
});

test('a + offset typed in a link reads as written', async ({ page }) => {
  await page.goto(`/?${AVERY}&at=2001-09-20T23:00:00+09:00`);
  await expect(page.getByText(/^Preview as of/)).toBeVisible();
  await expect(grantBox(page)).toBeVisible();
  await expect(page.locator('[data-state="error"]')).toHaveCount(0);
});

test('inside a right-to-left portal the widget reads left to right, the deadline\'s wording in order', async ({ page }) => {
  await openPortal(
    page,
    `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>بوابة</title>
<script type="module" src="/election-widget.js"></script></head><body><main>
<election-widget offer="/offers/mpower-2001.json" holder="/holders/e1001-avery-lindqvist.json">
<script type="application/json" data-input="config">{"preview_at": "2001-09-20T10:00:00-04:00"}</script>
</election-widget></main></body></html>`,
  );
  await expect(grantBox(page)).toBeVisible();
  const layout = await page.evaluate(() => {
    const root = document.querySelector('election-widget').shadowRoot;
    const ew = root.querySelector('.ew');
    // The deadline's legal wording: where "11:59" and "p.m." sit on the line.
    const dd = [...root.querySelectorAll('dd')].find((d) => d.textContent.includes('11:59 p.m.'));
    const text = dd.firstChild;
    const at = (s) => {
      const range = document.createRange();
      const i = text.textContent.indexOf(s);
      range.setStart(text, i);
      range.setEnd(text, i + s.length);
      return range.getBoundingClientRect().left;
    };
    return { direction: getComputedStyle(ew).direction, wording: getComputedStyle(dd).direction, time: at('11:59'), pm: at('p.m.') };
  });
  expect(layout.direction).toBe('ltr');
  expect(layout.wording).toBe('ltr');
  expect(layout.time).toBeLessThan(layout.pm);
  await page.screenshot({ path: 'artifacts/portal-rtl.png', fullPage: true });
});
