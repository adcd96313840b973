import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);

/** The shipped data, read the way the widget reads it. */
export const offerJson = () => JSON.parse(readFileSync(new URL('static/offers/mpower-2001.json', root), 'utf8'));
export const holderJson = (file) => JSON.parse(readFileSync(new URL(`static/holders/${file}`, root), 'utf8'));

/** Serves `body` at `path` for this page only, as if the host had put a file there. */
export async function serveJson(page, path, body) {
  await page.route(`**${path}`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
}

/** Refuses the release build's `name` module (`…-<name>.wasm`, src/platform/lazy.rs) as a
 *  dropped connection would, until `allow()`; `asked` lists every request for it. */
export async function refuseModule(page, name) {
  const state = { refuse: true, asked: [], allow() { state.refuse = false; } };
  await page.route(new RegExp(`-${name}\\.wasm$`), (route) => {
    state.asked.push(route.request().url());
    return state.refuse ? route.abort('internetdisconnected') : route.continue();
  });
  return state;
}

/** Runs axe-core in the page and returns its violations. Evaluated by the test's own
 *  channel (as DevTools would), not as a page script, which the pages' CSP refuses. */
export async function axeViolations(page) {
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** Serves a page of the widget (the standalone page by default) as a deployment would
 *  that wrote `settings` in its deployment block (docs/EMBEDDING.md, "Who may set what"),
 *  with no preview moment of its own, and `connect` added to its meta CSP's connect-src
 *  (as a deployment that names a backend on another origin must). */
export async function deploy(page, settings, { connect = [], path = ['/', '/index.html'] } = {}) {
  // A page the test answers has no network address of its own, so Chromium's Local
  // Network Access would ask before it calls a loopback backend; a deployed page is not
  // asked.
  await page.context().grantPermissions(['local-network-access']);
  await page.route((url) => path.includes(url.pathname), async (route) => {
    const response = await route.fetch();
    const body = (await response.text())
      .replace(/(<script type="application\/json" id="election-widget-deployment">)[^<]*(<\/script>)/, `$1${JSON.stringify(settings)}$2`)
      .replace(/ data-preview-at="[^"]*"/, '')
      .replace("connect-src 'self'", ["connect-src 'self'", ...connect].join(' '));
    const headers = response.headers();
    delete headers['content-encoding'];
    delete headers['content-length'];
    await route.fulfill({ status: response.status(), headers, body });
  });
}
