// `npm run faults`: the whole fault matrix (test/faults/matrix.ts) against an embedded reference site,
// one line per case with exit code, faults injected, errors by kind, retries, requests, what reached the
// server, state messages accepted/processed on the site and peak RSS. Exits 1 when a case does not add up.
import {
  FAULT_CASES,
  formatCaseLine,
  MATRIX_LIMITS,
  RSS_SLACK_MB,
  runFaultCase,
} from '../test/faults/matrix.ts';
import { startTestSite, T0 } from '../test/fleet-adapter/site.ts';

const only = process.argv.slice(2).join(' ').toLowerCase();
const site = await startTestSite({ clock: { mode: 'real', speed: 300, start: T0 } });
let failed = 0;
const started = performance.now();
console.log(
  `fault matrix: ${FAULT_CASES.length} cases, 10 fresh clients each, deadline ${MATRIX_LIMITS.timeoutMs} ms, ` +
    `reply cap ${MATRIX_LIMITS.maxBodyBytes / 2 ** 20} MiB, buffer budget ${MATRIX_LIMITS.maxBufferedBytes / 2 ** 20} MiB ` +
    `(RSS bound: cap + budget + ${RSS_SLACK_MB} MB)`,
);
try {
  for (const [i, c] of FAULT_CASES.entries()) {
    if (only && !c.name.toLowerCase().includes(only)) continue;
    const r = await runFaultCase(site, c, 100 + i);
    if (r.problems.length > 0) failed++;
    console.log(formatCaseLine(r));
  }
} finally {
  await site.stop();
}
console.log(
  `${failed === 0 ? 'all cases add up' : `${failed} cases FAILED`} in ${Math.round((performance.now() - started) / 1000)} s`,
);
process.exit(failed === 0 ? 0 : 1);
