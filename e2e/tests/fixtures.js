// Every spec's `test`: Playwright's, failing any test in which a page or frame reports a
// Content-Security-Policy or Trusted Types violation (the pages ship a strict policy:
// docs/EMBEDDING.md, "Content Security Policy"). A context a test opens itself is watched with
// `watchCsp(context)`.
import { test as base, expect } from '@playwright/test';

export { expect };

/** Starts collecting the policy violations of every page and frame of `context`. */
export async function watchCsp(context) {
  const violations = [];
  // The browser's own report, from inside each document (shadow roots included: the
  // event is composed), written to the console where the listener below reads it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in ${e.documentURI}`);
    }, true);
  });
  const listen = (page) =>
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && /CSP violation|Content Security Policy|Trusted ?Type/i.test(text)) violations.push(text);
    });
  context.pages().forEach(listen);
  context.on('page', listen);
  return violations;
}

export const test = base.extend({
  cspViolations: [
    async ({ context }, use) => {
      const violations = await watchCsp(context);
      await use(violations);
      expect(violations, 'no page may break its Content-Security-Policy').toEqual([]);
    },
    { auto: true },
  ],
});
