// `make bench`: measures the release bundle and the time to first render in headless
// Chromium, and writes the table to docs/BENCHMARKS.md. Later issues add rows here.
//
// Sizes: every .wasm and .js file in dist/, raw, gzip -9 and brotli q11 (what a CDN
// serves). First render: from navigation start to the widget's `election-widget:ready`
// performance mark (set after the loaded page is in the DOM), on 127.0.0.1, each run in
// a fresh browser context (no HTTP or code cache), after two warm-up runs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { spawn, execFileSync } from 'node:child_process';
import os from 'node:os';
import { chromium } from '@playwright/test';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);
const RUNS = Number(process.env.BENCH_RUNS || 25);
const PORT = Number(process.env.BENCH_PORT || 8097);
const TARGET_BUNDLE_KB = 150;
const TARGET_FIRST_RENDER_MS = 100;

const kb = (n) => (n / 1024).toFixed(1);

function bundleSizes() {
  const files = readdirSync(dist).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'));
  const rows = files.map((f) => {
    const bytes = readFileSync(new URL(f, dist));
    return {
      file: f.replace(/-[0-9a-f]{16}/, ''),
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return { rows, total };
}

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => v[Math.min(v.length - 1, Math.floor(p * (v.length - 1) + 0.5))];
  return { median: q(0.5), p10: q(0.1), p90: q(0.9), min: v[0], max: v[v.length - 1], n: v.length };
}

async function waitForServer(url) {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

/** Repeat visits: one context, reloaded; the HTTP cache and V8's code cache are warm. */
async function repeatRender(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const times = [];
  for (let i = 0; i < RUNS + 2; i++) {
    await page.goto(url);
    await page.waitForSelector('[data-state="ready"]', { timeout: 15_000 });
    const t = await page.evaluate(() => performance.getEntriesByName('election-widget:ready')[0]?.startTime);
    if (typeof t !== 'number') throw new Error('no ready mark');
    if (i >= 2) times.push(t);
  }
  await context.close();
  return stats(times);
}

async function firstRender(browser, url) {
  const times = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('[data-state="ready"]', { timeout: 15_000 });
    const t = await page.evaluate(() => performance.getEntriesByName('election-widget:ready')[0]?.startTime);
    await context.close();
    if (typeof t !== 'number') throw new Error('no ready mark');
    if (i >= 2) times.push(t);
  }
  return stats(times);
}

const sizes = bundleSizes();
const server = spawn('python3', ['-m', 'http.server', String(PORT), '--bind', '127.0.0.1', '--directory', dist.pathname], { stdio: 'ignore' });
let render;
let chromiumVersion = '';
try {
  await waitForServer(`http://127.0.0.1:${PORT}/index.html`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  chromiumVersion = browser.version();
  render = {
    default: await firstRender(browser, `http://127.0.0.1:${PORT}/`),
    single: await firstRender(browser, `http://127.0.0.1:${PORT}/?holder=holders/e1001-avery-lindqvist.json`),
    repeat: await repeatRender(browser, `http://127.0.0.1:${PORT}/`),
  };
  await browser.close();
} finally {
  server.kill();
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const rustc = execFileSync('rustc', ['--version']).toString().trim();
const ms = (x) => x.toFixed(1);
const ok = (value, target) => (value <= target ? 'within target' : '**over target**');
const lines = [
  '# Benchmarks',
  '',
  'Written by `make bench` (e2e/bench.mjs); do not edit by hand. Figures are from the machine named below;',
  'compare runs on one machine, not across machines.',
  '',
  `- Measured: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  `- Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${rustc}; Chromium ${chromiumVersion} headless`,
  '',
  '## Release bundle',
  '',
  '| file | raw KB | gzip KB | brotli KB |',
  '|---|---:|---:|---:|',
  ...sizes.rows.map((r) => `| ${r.file} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`),
  `| **total (wasm + JS)** | ${kb(sizes.total.raw)} | ${kb(sizes.total.gzip)} | **${kb(sizes.total.brotli)}** |`,
  '',
  `Target: ≤ ${TARGET_BUNDLE_KB} KB brotli — ${ok(sizes.total.brotli / 1024, TARGET_BUNDLE_KB)}.`,
  '',
  '## First render',
  '',
  `Navigation start to the first complete render (the \`election-widget:ready\` mark, set after the loaded page is in the DOM), served from 127.0.0.1; ${RUNS} runs after 2 warm-ups. First visits use a fresh browser context each (cold HTTP and code cache); repeat visits reload one context.`,
  '',
  '| page | median ms | p10 ms | p90 ms | min ms | max ms |',
  '|---|---:|---:|---:|---:|---:|',
  ...Object.entries({
    'first visit, default (Mpower, 36 grants)': render.default,
    'first visit, single grant': render.single,
    'repeat visit, default': render.repeat,
  }).map(
    ([name, s]) => `| ${name} | ${ms(s.median)} | ${ms(s.p10)} | ${ms(s.p90)} | ${ms(s.min)} | ${ms(s.max)} |`,
  ),
  '',
  `Target: ≤ ${TARGET_FIRST_RENDER_MS} ms — first visit ${ok(render.default.median, TARGET_FIRST_RENDER_MS)}, repeat visit ${ok(render.repeat.median, TARGET_FIRST_RENDER_MS)} (medians, default page).`,
  '',
];
writeFileSync(new URL('docs/BENCHMARKS.md', root), lines.join('\n'));
console.log(lines.join('\n'));
