// Prints the end-to-end tier's totals as one plain line ("e2e: N passed, N failed"), the
// closing line CI reads after `make test`.
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(new URL('test-results/results.json', import.meta.url), 'utf8'));
const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = results.stats ?? {};
console.log(`e2e: ${expected + flaky} passed, ${unexpected} failed, ${skipped} skipped`);
process.exit(unexpected > 0 ? 1 : 0);
