// End-to-end tests against the release build in dist/, served on 127.0.0.1, driven in
// Debian's Chromium (no browser download). `make test-e2e` builds dist/ first.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT || 8091);

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    // The widget's service worker answers the page's requests itself, out of reach of
    // `page.route`, which most tests use to serve their data; tests of the worker opt in
    // (offline.spec.js).
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // The project's own page server (the receiver's `pages` mode): real headers, the
    // pages' Content-Security-Policy among them. The tests' receivers listen on other
    // loopback ports, which the policy's connect-src allows.
    command: `../target/server/election-receiver pages --dir ../dist --listen 127.0.0.1:${port} --connect-src 'http://127.0.0.1:*' --log warn`,
    url: `http://127.0.0.1:${port}/index.html`,
    reuseExistingServer: false,
    timeout: 15_000,
  },
});
