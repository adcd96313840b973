// The reference receiver for end-to-end tests: the real binary (built by `make test-e2e`),
// started per test on a free loopback port with its own SQLite database, the Mpower
// offer and the sample employees, and a clock that starts inside the offer period.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const WIDGET = 'http://127.0.0.1:8091';
export const TOKENS = { 'E-1001': 'e2e-token-avery-lindqvist', 'E-1002': 'e2e-token-jordan-okafor', 'E-1003': 'e2e-token-priya-raman-000' };

/**
 * Starts a receiver; `clockStart` is the instant its clock starts from. `dir` reuses an
 * earlier receiver's database and key (a restart); `extra` are more arguments (a grants
 * import, a settings file).
 */
export async function startReceiver({ clockStart = '2001-09-20T10:00:00-04:00', origin = WIDGET, dir: reuse, extra = [] } = {}) {
  const dir = reuse || mkdtempSync(join(tmpdir(), 'receiver-'));
  const args = [
    'serve', '--listen', '127.0.0.1:0',
    '--database', `sqlite:${join(dir, 'receiver.sqlite3')}`,
    '--key', join(dir, 'key.hex'),
    '--offer', join(root, 'static/offers/mpower-2001.json'),
    '--holders', join(root, 'static/holders'),
    '--allow-origin', origin,
    '--clock-start', clockStart,
    ...Object.entries(TOKENS).flatMap(([e, t]) => ['--token', `${e}=${t}`]),
    ...extra,
  ];
  const child = spawn(join(root, 'target/server/election-receiver'), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
    setTimeout(() => reject(new Error('the receiver did not start within 10 s')), 10_000);
  });
  return {
    url,
    dir,
    /** The employee's record at the receiver: { governing, history }. */
    async record(employee) {
      const r = await fetch(`${url}/v1/elections`, { headers: { Authorization: `Bearer ${TOKENS[employee]}` } });
      return r.json();
    },
    async offer() {
      return (await fetch(`${url}/v1/offer`)).json();
    },
    async stop({ keep = false } = {}) {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A portal page on the widget's origin embedding one `<election-widget>` with `config`. */
export function portal(holder, config, script = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title>
<script type="module" src="/election-widget.js"></script></head><body><main>
<election-widget id="w" offer="/offers/mpower-2001.json" holder="/holders/${holder}">
<script type="application/json" data-input="config">${JSON.stringify(config)}</script>
</election-widget></main>
<script>
window.portalEvents = [];
for (const type of ['election-signed', 'election-delivered', 'offer-expired']) {
  document.addEventListener('election-widget:' + type, (e) => window.portalEvents.push(e.detail));
}
${script}
</script></body></html>`;
}

/** Opens `html` as `${WIDGET}/portal.html`. */
export async function openPortal(page, html) {
  // A page fulfilled by the test has no network address of its own, so Chromium's Local
  // Network Access treats it as public and asks before it calls a loopback receiver; a
  // portal served from a real server (make demo, a deployment) is not asked.
  await page.context().grantPermissions(['local-network-access']);
  await page.route(`${WIDGET}/portal.html`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(`${WIDGET}/portal.html`);
}

/** The delivery config for `employee` against `receiver`. */
export function httpConfig(receiver, employee, extra = {}) {
  return {
    time_url: `${receiver.url}/v1/time`,
    delivery: { transport: 'http', url: receiver.url, headers: { Authorization: `Bearer ${TOKENS[employee]}` }, ...extra },
  };
}

/** Acknowledges every document, types the name and signs. */
export async function acknowledgeAll(page) {
  const boxes = page.getByRole('checkbox', { name: /I have read/ });
  // The acknowledgments are below the grants, whose code arrives just after the first
  // screen: counting before it has would count none.
  await boxes.first().waitFor();
  const n = await boxes.count();
  for (let i = 0; i < n; i += 1) await boxes.nth(i).check();
}

export async function sign(page, name, button = 'Sign election') {
  await page.getByLabel('Type your full name to sign').fill(name);
  await page.getByRole('button', { name: button }).click();
}
