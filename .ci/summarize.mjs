// Sums vitest's per-project "Tests  N passed | M failed" lines from a test log and prints one
// plain `N passed, N failed` line, which is what CI reads. Exits non-zero when nothing ran.
// Above it, the failing files and tests that vitest marked (FAIL / ×), so that the log's last lines
// say what failed without scrolling back through every project's output.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
let runs = 0;
const failures = new Set();
for (const line of log.split('\n')) {
  const marked = /(?:^|\s)(?:FAIL|×)\s+(.*\S)/.exec(line.replace(/^.*?:\s(?=\s*(?:FAIL|×))/, ''));
  if (marked) failures.add(`${line.match(/^(\S+):\s/)?.[1] ?? ''} ${marked[1]}`.trim());
  const match = /^\S*\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line.replace(/^.*?:\s+(?=Tests)/, ''));
  if (!match) continue;
  runs += 1;
  for (const [, n, what] of match[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    if (what === 'passed') passed += Number(n);
    else if (what === 'failed') failed += Number(n);
    else skipped += Number(n);
  }
}
for (const f of [...failures].slice(0, 40)) console.log(`failed: ${f}`);
console.log(`${runs} test runs, ${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(runs === 0 ? 1 : 0);
