// A reference site for fleet-adapter tests: every port 0, a manual clock, and a small catalog so a cold
// scan is quick (the 5 MB default is covered by the driver tests).
import { type RunningSite, type StartSiteOptions, startSite } from '../../site/server.ts';

export const T0 = Date.parse('2026-10-01T08:00:00Z');

export function startTestSite(options: StartSiteOptions = {}): Promise<RunningSite> {
  return startSite({
    bindAddress: '127.0.0.1',
    supHttpPort: 0,
    supHttpsPort: 0,
    mpHttpPort: 0,
    mpHttpsPort: 0,
    observerPort: 0,
    clock: { mode: 'manual', start: T0 },
    catalog: { seed: 7, leafUpdates: 120, builds: [22631, 19045] },
    ...options,
  });
}
