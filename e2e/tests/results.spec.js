// HR's results page (results.html) against a real receiver holding a few hundred
// elections from employees imported as a grants CSV, with HR signing in through a real
// OpenID Connect identity provider (e2e/idp.mjs: authorization code with PKCE). It reads
// the figures the receiver computes, reads them again while open, refuses a link that
// carries a sign-in answer it did not ask for and an employee without the HR role, gives
// the reminder list and the CSV as downloads, shows the final results after the deadline
// (late elections counted and counting for nothing), passes axe, works by keyboard, and
// prints without its controls.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures.js';
import { axeViolations } from './helpers.js';
import { startReceiver, WIDGET } from './receiver.js';
import { employee } from './elections.js';
import { startIdp } from '../idp.mjs';

test.describe.configure({ mode: 'serial' });

// The page as a deployment edits it (its receiver, its provider), written beside the
// built one and served by the real page server: the provider's redirect back to it is a
// real navigation, which `page.route` could not answer.
const PAGE_FILE = 'results-e2e.html';
const PAGE = `${WIDGET}/${PAGE_FILE}`;
const DIST = new URL('../../dist/', import.meta.url);
const COUNT = 300;
const ids = Array.from({ length: COUNT }, (_, i) => `E-${3000 + i}`);
const grantOf = (id) => `G-${id.slice(2)}`;
let idp;
let rx;
let people;

/** results.html as a deployment would edit it: this receiver, this provider. */
function deployPage({ portals = '' } = {}) {
  const built = readFileSync(new URL('results.html', DIST), 'utf8');
  const settings = JSON.stringify({ receiver: rx.url, oidc: { issuer: idp.url, client_id: 'election-results' }, refresh_seconds: 2 });
  const html = built
    .replace(/<script type="application\/json" id="election-results-deployment">[\s\S]*?<\/script>/,
      `<script type="application/json" id="election-results-deployment">${settings}</script>`)
    .replace('connect-src \'self\' http://127.0.0.1:8787 http://127.0.0.1:8788', `connect-src 'self' ${rx.url} ${idp.url}`)
    .replace('<meta name="election-widget-allowed-origins" content="" />', `<meta name="election-widget-allowed-origins" content="${portals}" />`);
  if (html === built) throw new Error('results.html no longer has the settings this test replaces');
  writeFileSync(new URL(PAGE_FILE, DIST), html);
}

async function openResults(page, { query = '' } = {}) {
  deployPage();
  await page.context().grantPermissions(['local-network-access']);
  await page.goto(`${PAGE}${query}`);
}

async function signIn(page, who = 'Harper Hale (HR)') {
  await page.getByRole('button', { name: 'Sign in with your company account' }).click();
  await page.getByRole('button', { name: `Sign in as ${who}` }).click();
}

/** The receiver's own figures, read with an HR token. */
async function participation() {
  const token = idp.mint(idp.users.harper);
  return (await fetch(`${rx.url}/v1/hr/participation`, { headers: { Authorization: `Bearer ${token}` } })).json();
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  idp = await startIdp({ clients: { 'election-results': [PAGE] } });
  const rows = ['employee_id,name,email,grant_id,plan,grant_date,exercise_price,outstanding,vested,expiration_date'];
  for (const id of ids) rows.push(`${id},Employee ${id.slice(2)},${id.toLowerCase()}@example.com,${grantOf(id)},holding,2000-03-10,42.50,"1,200",600,2010-03-10`);
  const dir = mkdtempSync(join(tmpdir(), 'receiver-'));
  const csv = join(dir, 'grants.csv');
  const settings = join(dir, 'receiver.toml');
  writeFileSync(csv, `${rows.join('\r\n')}\r\n`);
  writeFileSync(settings, `grants_illustrative = true
log = "warn"
[oidc]
issuer = "${idp.url}"
audiences = ["election-receiver"]
jwks = "${idp.url}/jwks"
employee_claim = "sub"
hr_claim = "roles"
hr_role = "election-hr"
`);
  rx = await startReceiver({ dir, extra: ['--config', settings, '--grants', csv] });
  people = [];
  for (let i = 0; i < ids.length; i += 25) {
    people.push(...await Promise.all(ids.slice(i, i + 25).map((id) =>
      employee(rx.url, id, `Employee ${id.slice(2)}`, idp.mint({ sub: id })))));
  }
  // 180 exchange; 30 exchange, then withdraw; 20 keep everything; 10 change twice; the
  // rest do nothing, 40 of them after reading their record.
  const plan = async (from, to, f) => {
    for (let i = from; i < to; i += 25) await Promise.all(people.slice(i, Math.min(i + 25, to)).map(f));
  };
  const expect201 = (status) => { if (status !== 201) throw new Error(`election refused: ${status}`); };
  await plan(0, 180, async (p) => expect201(await p.elect({ [grantOf(p.id)]: 1200 })));
  await plan(180, 210, async (p) => { expect201(await p.elect({ [grantOf(p.id)]: 1200 })); expect201(await p.elect({ [grantOf(p.id)]: 0 })); });
  await plan(210, 230, async (p) => expect201(await p.elect({ [grantOf(p.id)]: 0 })));
  await plan(0, 10, async (p) => expect201(await p.elect({ [grantOf(p.id)]: 1200 })));
  await plan(230, 270, async (p) => p.view());
});

test.afterAll(async () => {
  rmSync(new URL(PAGE_FILE, DIST), { force: true });
  await rx?.stop();
  await idp?.stop();
});

test('HR signs in with the identity provider and reads the figures the receiver computes', async ({ page }) => {
  const expected = await participation();
  expect(expected.participation.elected).toBe(180);
  await openResults(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Offer results' })).toBeVisible();
  await signIn(page);
  // Back from the provider: the code is gone from the address bar.
  await expect(page.getByText('Signed in as hr-harper')).toBeVisible();
  expect(new URL(page.url()).search).toBe('');
  const p = expected.participation;
  await expect(page.getByText(
    `${p.responded} of ${p.eligible} eligible employees have responded: 180 elected to exchange, 30 withdrew and 20 kept all their grants.`,
  )).toBeVisible();
  await expect(page.getByText('The offer is open until September 27, 2001, 11:59 p.m. (UTC−04:00); these are the figures so far.')).toBeVisible();
  const table = page.getByRole('table', { name: 'Participation' });
  await expect(table.getByRole('row', { name: /Viewed their grants/ })).toContainText(String(p.viewed));
  await expect(table.getByRole('row', { name: /Changed their election/ })).toContainText('40');
  await expect(page.getByRole('img', { name: 'Elections received each day, and employees who had responded' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'By plan' }).getByRole('row', { name: /holding/ })).toContainText('216,000');
  expect(await axeViolations(page)).toEqual([]);

  // Read again while open: one more election shows without a reload.
  expect(await people[290].elect({ [grantOf(people[290].id)]: 1200 })).toBe(201);
  await expect(page.getByText(/ 181 elected to exchange,/)).toBeVisible({ timeout: 10_000 });

  // The reminder list: those who have not responded, with their e-mail addresses.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download reminder list (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('mpower-2001-option-exchange-not-responded.csv');
  const reminders = readFileSync(await download.path(), 'utf8');
  expect(reminders.startsWith('employee_id,name,email,viewed,late_elections\r\n')).toBe(true);
  expect(reminders).toContain('E-3230,Employee 3230,e-3230@example.com,yes,0');
  expect(reminders).not.toContain('E-3000,');
  expect(reminders).not.toContain('E-3290,');

  // Printed: the figures without the controls.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Refresh now' })).toBeHidden();
  await expect(page.getByRole('table', { name: 'Participation' })).toBeVisible();
});

test('by keyboard alone: sign in and download the results', async ({ page }) => {
  await openResults(page);
  const signInButton = page.getByRole('button', { name: 'Sign in with your company account' });
  await expect(signInButton).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(signInButton).toBeFocused();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign in as Harper Hale (HR)' }).focus();
  await page.keyboard.press('Enter');
  const refresh = page.getByRole('button', { name: 'Refresh now' });
  await expect(refresh).toBeVisible();
  await refresh.focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Download results (CSV)' })).toBeFocused();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toBe('employee_id,name,standing,grant_id,plan,grant_date,exercise_price,outstanding,outcome,options_tendered,portion,new_awards,award,cash,receipt_id,received_at,offer_version');
  expect(csv).toContain('E-3000,Employee 3000,elected,G-3000,holding,2000-03-10,42.50,1200,exchanged,1200,,400,options,0.00,');
  expect(csv).toContain('E-3180,Employee 3180,withdrawn,G-3180,holding,2000-03-10,42.50,1200,kept,0,,0,,0.00,');

  // At 400 % zoom (320 CSS pixels), the figures reflow: no sideways scrolling.
  await page.setViewportSize({ width: 320, height: 640 });
  await expect(page.getByRole('table', { name: 'Participation' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
});

test('a link carrying a sign-in answer this page did not ask for is ignored; an employee is not HR', async ({ page }) => {
  let tokenRequests = 0;
  page.on('request', (r) => { if (r.url().startsWith(`${idp.url}/token`)) tokenRequests += 1; });
  await openResults(page, { query: '?code=forged-by-someone&state=theirs' });
  await expect(page.getByRole('alert')).toHaveText('This page was opened with a sign-in answer it did not ask for; it was ignored. Sign in from this page.');
  expect(tokenRequests).toBe(0);
  expect(new URL(page.url()).search).toBe('');

  await signIn(page, 'Avery Lindqvist (employee)');
  await expect(page.getByRole('alert')).toHaveText('You are signed in, but your account does not have the HR role; ask your administrator.');
  await expect(page.getByText(/eligible employees have responded/)).toHaveCount(0);

  // Cancelled at the provider: said, and nothing else happens.
  await page.getByRole('button', { name: 'Sign in with your company account' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveText('The identity provider did not sign you in (access_denied: The sign-in was cancelled).');
});

/** An HR portal on the page server's origin that frames the results page and answers its
 *  "ready" with `message` (HR's token, or something else). */
function hrPortal(message) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>HR portal</title></head><body><main>
<h1>HR portal</h1><iframe title="Offer results" src="/${PAGE_FILE}" style="width: 100%; height: 900px"></iframe></main>
<script>
window.answered = 0;
window.addEventListener('message', (e) => {
  if (e.origin !== location.origin || !e.data || e.data.source !== 'election-widget') return;
  if (e.data.type === 'election-results:ready') {
    e.source.postMessage(${JSON.stringify(message)}, e.origin);
    window.answered += 1;
  }
});
</script></body></html>`;
}

async function openPortal(page, message) {
  await page.context().grantPermissions(['local-network-access']);
  await page.route(`${WIDGET}/hr-portal.html`, (route) => route.fulfill({ contentType: 'text/html', body: hrPortal(message) }));
  await page.goto(`${WIDGET}/hr-portal.html`);
  return page.frameLocator('iframe[title="Offer results"]');
}

test('framed by a portal its settings allow, the page takes HR\'s token from it, and only in the agreed shape', async ({ page }) => {
  deployPage({ portals: WIDGET });
  let checked = 0;
  page.on('request', (r) => { if (r.url().startsWith(`${rx.url}/v1/hr/session`)) checked += 1; });
  // A message with a member more (a receiver of the portal's choosing) is not a token.
  const odd = await openPortal(page, { type: 'election-results:token', token: idp.mint(idp.users.harper), receiver: 'https://evil.example' });
  await expect(odd.getByRole('status')).toHaveText('Waiting for the portal to sign you in…');
  await expect.poll(() => page.evaluate(() => window.answered)).toBe(1);
  await expect(odd.getByRole('status')).toHaveText('Waiting for the portal to sign you in…');
  expect(checked).toBe(0);

  const frame = await openPortal(page, { type: 'election-results:token', token: idp.mint(idp.users.harper) });
  await expect(frame.getByText('Signed in as hr-harper')).toBeVisible();
  await expect(frame.getByText(/eligible employees have responded: 181 elected to exchange/)).toBeVisible();
  await expect(frame.getByRole('button', { name: 'Sign in with your company account' })).toHaveCount(0);
  expect(checked).toBe(1);
});

test('after the deadline: final results, late elections counted and counting for nothing', async ({ page }) => {
  await rx.stop({ keep: true });
  rx = await startReceiver({ dir: rx.dir, clockStart: '2001-09-28T09:00:00-04:00', extra: ['--config', join(rx.dir, 'receiver.toml'), '--grants', join(rx.dir, 'grants.csv')] });
  for (const p of people.slice(295, 297)) {
    const late = await employee(rx.url, p.id, `Employee ${p.id.slice(2)}`, idp.mint({ sub: p.id }));
    expect(await late.elect({ [grantOf(p.id)]: 1200 })).toBe(403);
  }
  await openResults(page);
  await signIn(page);
  await expect(page.getByText('Final results: the offer expired on September 27, 2001, 11:59 p.m. (UTC−04:00).')).toBeVisible();
  await expect(page.getByText('2 elections arrived after the deadline and count for nothing.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'For the final amendment to the Schedule TO' })).toBeVisible();
  const results = page.getByRole('table', { name: "The offer's results" });
  await expect(results.getByRole('row', { name: /Options tendered and accepted/ })).toContainText('217,200');
  await expect(results.getByRole('row', { name: /Employees taking part/ })).toContainText('181');
  await expect(page.getByRole('table', { name: 'Participation' }).getByRole('row', { name: /only late elections/ })).toContainText('2');
  expect(await axeViolations(page)).toEqual([]);
});
