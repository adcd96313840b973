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

/** Runs axe-core in the page and returns its violations. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
