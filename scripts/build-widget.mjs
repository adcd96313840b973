#!/usr/bin/env node
// Builds the employee's bundle into Trunk's staging directory (called by
// scripts/post-build.sh): Trunk's own Rust pipeline cannot put wasm-split between cargo
// and wasm-bindgen, so this script does what it would do, with that step added.
//
//   1. cargo: the `election-widget` binary with the `lazy` feature, linked with its
//      relocations kept (--emit-relocs), which wasm-split reads;
//   2. wasm-split (crate wasm_split_cli_support, installed by scripts/install-tools.sh):
//      the main module, and beside it the code reached only from a split point
//      (src/platform/lazy.rs: the courier, signing, the outbox, the contract's checks) as
//      a second wasm file, with the JavaScript that loads it (it shares the main module's
//      memory and function table);
//   3. wasm-bindgen on the main module (keeping the exports the second file imports);
//   4. wasm-opt -Oz on every wasm file (release only);
//   5. content-hashed names, one hash for the set, so that every file can be cached for
//      good and a new build never mixes with an old one:
//        election-widget-<hash>.js          the bindings (the loader imports it)
//        election-widget-<hash>_bg.wasm     the main module, before the first render
//        election-widget-<hash>-split.js    loads the other modules when first needed
//        election-widget-<hash>-<name>.wasm each module after the first render or only
//                                           on some pages (delivery, element, frame)
//        election-widget-<hash>-chunk_<n>.wasm code two such modules share
//
// Prints "<bindings js> <main wasm> <split loader> <frame files, comma-separated>" for
// post-build.sh (the loader and the preloads).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [staging] = process.argv.slice(2);
if (!staging) {
  console.error('usage: build-widget.mjs <staging dir>');
  process.exit(2);
}
const source = resolve(process.env.TRUNK_SOURCE_DIR || '.');
const release = (process.env.TRUNK_PROFILE || 'release') === 'release';
const targetDir = resolve(source, process.env.CARGO_TARGET_DIR || 'target');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: source, stdio: ['ignore', 'inherit', 'inherit'] });

// 1. The binary, its relocations kept (flags for the final link only: `cargo rustc`
//    leaves every dependency's build as it is).
run('cargo', [
  'rustc', ...(release ? ['--release'] : []), '--target', 'wasm32-unknown-unknown',
  '--bin', 'election-widget', '--features', 'lazy', '--', '-C', 'link-arg=--emit-relocs',
]);
const linked = join(targetDir, 'wasm32-unknown-unknown', release ? 'release' : 'debug', 'election-widget.wasm');

const work = mkdtempSync(join(tmpdir(), 'election-widget-'));
try {
  // 2. Split.
  const split = join(work, 'split');
  run('wasm-split-cli', [linked, split, '--out-name', 'election-widget']);
  // 3. Bindings for the main module.
  const bound = join(work, 'bound');
  run('wasm-bindgen', [
    '--target', 'web', '--keep-lld-exports', '--no-typescript', '--out-name', 'election-widget',
    '--out-dir', bound, join(split, 'election-widget.wasm'),
  ]);
  const modules = readdirSync(split).filter((f) => f.endsWith('.wasm') && f !== 'election-widget.wasm');
  if (modules.length === 0) {
    throw new Error('wasm-split made no second module: is the split point (src/platform/lazy.rs) still reached?');
  }
  // 4. Optimise, as Trunk's data-wasm-opt="z" would.
  const wasmFiles = [join(bound, 'election-widget_bg.wasm'), ...modules.map((m) => join(split, m))];
  if (release) {
    for (const file of wasmFiles) {
      // Two -Oz pipelines: the second finds what the first's inlining opened up (main
      // module 253.0 -> 252.5 KB brotli, measured 2026-12-05; -Os and --converge no better).
      run('wasm-opt', ['-Oz', '-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', file, '-o', file]);
    }
  }
  // 5. Names.
  const bindings = readFileSync(join(bound, 'election-widget.js'), 'utf8');
  const linker = readFileSync(join(split, '__wasm_split.js'), 'utf8');
  const hash = createHash('sha256');
  for (const part of [bindings, linker, ...wasmFiles.map((f) => readFileSync(f))]) hash.update(part);
  const base = `election-widget-${hash.digest('hex').slice(0, 16)}`;
  const names = { js: `${base}.js`, wasm: `${base}_bg.wasm`, split: `${base}-split.js` };

  const replaceOnce = (text, from, to, where) => {
    if (!text.includes(from)) throw new Error(`${where}: expected ${from} in the generated code`);
    return text.split(from).join(to);
  };
  // The bindings import the loader module by file name (the wasm's import module keeps
  // its own name, "./__wasm_split.js", which only keys the import object).
  // 6 (below). The bindings, with the loader's file name; esbuild bundles them with
  // their JavaScript snippets into one file.
  writeFileSync(join(bound, 'election-widget.js'), replaceOnce(bindings, 'from "./__wasm_split.js"', `from "./${names.split}"`, 'the bindings'));
  let loader = replaceOnce(linker, '"./election-widget.js"', `"./${names.js}"`, 'the split loader');
  for (const m of modules) {
    const stem = m.replace(/\.wasm$/, '').replace(/^split_/, '');
    loader = replaceOnce(loader, `"./${m}"`, `"./${base}-${stem}.wasm"`, 'the split loader');
    cpSync(join(split, m), join(staging, `${base}-${stem}.wasm`));
  }
  // The files a module needs (its own and the chunks it shares with others), read off the
  // loader: the embed page preloads the frame's.
  const filesOf = (load) => {
    const fileOf = (name) => {
      const m = loader.match(new RegExp(`${name} = (?:wrapAsyncCb\\()?makeLoad\\(\\(\\) => \\{\\s*const src = fetch\\(new URL\\("\\./([^"]+)"`));
      if (!m) throw new Error(`the split loader: no file for ${name}`);
      return m[1];
    };
    const deps = loader.match(new RegExp(`${load} = wrapAsyncCb\\(makeLoad\\([\\s\\S]*?\\n, \\[([^\\]]*)\\]\\)\\)`));
    if (!deps) throw new Error(`the split loader: no dependencies for ${load}`);
    const chunks = deps[1].split(',').map((d) => d.trim()).filter(Boolean);
    return [fileOf(load), ...chunks.map(fileOf)];
  };
  const frameFiles = filesOf('__wasm_split_load_frame');
  cpSync(join(bound, 'election-widget_bg.wasm'), join(staging, names.wasm));
  // 6. One script for the bindings and the snippets they import (src/**/*.js, which
  //    would each be a request before the first screen), minified by esbuild (npm;
  //    e2e/package.json). The loader stays a file of its own, as wasm-split wrote it
  //    (the bindings import it, it imports `initSync` back, and the tests and the bench
  //    read each module's files off it; minified it would save 0.3 KB).
  run('esbuild', [
    join(bound, 'election-widget.js'), '--bundle', '--format=esm', '--minify', '--log-level=warning',
    `--external:./${names.split}`, `--outfile=${join(staging, names.js)}`,
  ]);
  writeFileSync(join(staging, names.split), loader);
  process.stdout.write(`${names.js} ${names.wasm} ${names.split} ${frameFiles.join(',')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
