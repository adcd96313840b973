# The election widget. `make demo` and `make test` are all a newcomer needs; both install
# what is missing first (scripts/install-tools.sh) and are fast on a second run.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8080
# wasm-opt comes from npm's binaryen (Debian's is too old for today's wasm).
export PATH := $(CURDIR)/e2e/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT := 60
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help demo receiver test tools build lint test-native test-wasm test-e2e bench clean

help:
	@echo "make demo    build and serve the widget on http://127.0.0.1:$(PORT), the receiver on :8787"
	@echo "make test    run every test tier (lint, native, wasm in Chromium, Playwright)"
	@echo "make bench   measure the widget and the receiver; writes docs/BENCHMARKS.md"

tools:
	@scripts/install-tools.sh

build: tools
	trunk build --release --offline

receiver: tools
	cargo build --profile server -p election-receiver

demo: build receiver
	PORT=$(PORT) scripts/demo.sh

lint: tools
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	# On wasm: the widget with its browser tests, and the core's library (its property
	# tests need a native RNG and run natively).
	cargo clippy --target wasm32-unknown-unknown -p election-widget --all-targets -- -D warnings
	# The release build's split point (src/platform/lazy.rs, feature `lazy`).
	cargo clippy --target wasm32-unknown-unknown -p election-widget --bin election-widget --features lazy -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p election-core --lib -- -D warnings

test-native: tools
	cargo test --workspace
	# The contract vectors, checked independently with WebCrypto (Node).
	node --test e2e/contract/

test-wasm: tools
	scripts/test-wasm.sh

test-e2e: build receiver
	cd e2e && npx playwright test

test: lint test-native test-wasm test-e2e
	@node e2e/summary.mjs

bench: build receiver
	cd e2e && node bench.mjs
	cargo bench -p election-receiver --bench load
	cargo bench -p election-receiver --bench hr

clean:
	cargo clean
	rm -rf dist e2e/test-results e2e/artifacts
