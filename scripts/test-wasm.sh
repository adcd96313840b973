#!/usr/bin/env bash
# The wasm tier (`make test-wasm`): tests/web.rs in headless Chromium through
# wasm-bindgen-test-runner and ChromeDriver.
#
# What this adds to a plain `cargo test`:
# - A page that never starts the tests is the browser's hiccup, not a test's verdict.
#   Between one run in ten and one in two, Chromium 156 under ChromeDriver stops at the runner's
#   "Loading scripts..." (the renderer never answers; wasm-pack#783 is the same), and
#   the runner then waits 60 s and ChromeDriver 300 s more. A run is cut off after
#   LIMIT seconds (45), and a run in which no test began is retried, up to six runs, each
#   retry said so. A test that ran and failed is never retried.
# - When it fails, the lines that say why (a failed test, its panic, a timeout, the
#   driver) are printed again at the very end, where a CI log's tail shows them; the
#   runner's own last lines are a backtrace of itself, which says nothing of the test.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER:-wasm-bindgen-test-runner}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-60}"
# The whole suite takes about 2 s; a run still going after this has hung.
LIMIT="${WASM_TIER_LIMIT:-45}"
RUNS=6

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Compile first, so the limit measures the browser and not the compiler.
cargo test --target wasm32-unknown-unknown --test web --no-run || exit $?

status=1
for run in $(seq 1 "$RUNS"); do
	timeout --kill-after=5 "$LIMIT" \
		cargo test --target wasm32-unknown-unknown --test web "$@" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	[ "$status" -eq 0 ] && exit 0
	if grep -Eq '^running [0-9]+ tests?' "$log"; then
		break # the tests ran: their verdict stands
	fi
	if [ "$run" -lt "$RUNS" ]; then
		echo
		echo "test-wasm: run $run never started the tests (the browser hung or did not start; exit $status); trying again."
	fi
done

echo
echo "test-wasm: FAILED (exit $status; 124 is the $LIMIT s limit). What went wrong, from the output above:"
grep -E -A12 "FAILED|panicked at|failures:|timed out|Timed out|driver failed|failed to create|^error" "$log" |
	grep -Ev '^ *[0-9]+: |^ +at ' | head -80
exit "$status"
