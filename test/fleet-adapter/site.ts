// A reference site for fleet-adapter tests: every port 0, a manual clock, and a small catalog so a cold
// scan is quick (the 5 MB default is covered by the driver tests).
import type { RunningSite, StartSiteOptions } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';

export const T0 = Date.parse('2026-10-01T08:00:00Z');

export function startTestSite(options: StartSiteOptions = {}): Promise<RunningSite> {
  return startLocalSite({
    clock: { start: T0 },
    catalog: { seed: 7, leafUpdates: 120, builds: [22631, 19045] },
    ...options,
  });
}
