// A reference site for fleet-adapter tests: every port 0, a manual clock, and a small catalog so a cold
// scan is quick (the 5 MB default is covered by the driver tests).
import type { CatalogKnowledge, FleetBehaviourOptions } from '../../harness/engine/fleet-adapter/index.ts';
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

/** What a fresh fleet knows before its first scan: nothing (it learns the catalog by scanning). */
export const EMPTY_KNOWLEDGE: CatalogKnowledge = {
  format: 1,
  supUrl: '',
  discoveredAt: 0,
  catalogVersion: 1,
  lastChange: '',
  maxExtendedUpdatesPerRequest: 50,
  updates: [],
  machines: [],
  coldScans: [],
};

/** A fresh fleet of half Windows 11 and half Windows 10 clients rolling out over 10 minutes against `site`. */
export function freshFleetOptions(site: RunningSite): FleetBehaviourOptions {
  return {
    fleet: {
      start: 'fresh',
      rolloutRampMs: 10 * 60_000,
      machines: [
        { name: 'win11', build: 22631, weight: 1, installedFraction: 0.5 },
        { name: 'win10', build: 19045, weight: 1, installedFraction: 0.5 },
      ],
    },
    targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
    knowledge: EMPTY_KNOWLEDGE,
  };
}
