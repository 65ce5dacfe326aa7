// The fault matrix in the test suite (issue 11 §6): every case of test/faults/matrix.ts against one
// reference site, each a short load run with a fault-injecting proxy in front of the SUP or MP. A case
// passes when the run counts exactly the faults injected by kind, every request adds up (requests +
// retries = what reached the server + refused/TLS), the exit code says errors happened, peak RSS stays
// under the stated bound and the site processed every state message it accepted. ~2 minutes in all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSite } from '../../site/server.ts';
import { startTestSite, T0 } from '../fleet-adapter/site.ts';
import { FAULT_CASES, formatCaseLine, runFaultCase } from './matrix.ts';

let site: RunningSite;
beforeAll(async () => {
  site = await startTestSite({ clock: { mode: 'real', speed: 300, start: T0 } });
});
afterAll(async () => {
  await site?.stop();
});

describe('fault matrix', () => {
  for (const [i, c] of FAULT_CASES.entries()) {
    it(c.name, async () => {
      const r = await runFaultCase(site, c, 100 + i);
      expect(r.problems, formatCaseLine(r)).toEqual([]);
      // A broken server never looks healthy: any fault that is an error fails the errorRate threshold.
      expect(r.exitCode).toBe(c.kind === null && c.killAfterMs === undefined ? 0 : 1);
    }, 90_000);
  }
});
