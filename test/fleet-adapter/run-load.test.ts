// The fleet behaviour under the real engine: runLoad with 2 worker shards (striped clients), the site's
// clock running at the run's speed. Fresh clients register, scan and report; the summary counts every
// protocol operation and the fleet gauges summed over both shards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET_BEHAVIOUR_MODULE,
  type FleetBehaviourOptions,
} from '../../harness/engine/fleet-adapter/index.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { runLoad } from '../../harness/engine/run.ts';
import type { RunningSite } from '../../site/server.ts';
import { startTestSite, T0 } from './site.ts';

const MIN = 60_000;
const SPEED = 300;
const CLIENTS = 16;
let site: RunningSite;

beforeAll(async () => {
  site = await startTestSite({ clock: { mode: 'real', speed: SPEED, start: T0 } });
});

afterAll(async () => {
  await site?.stop();
});

describe('runLoad with the fleet behaviour', () => {
  it('16 fresh clients over 2 workers: registration, policy, cold scans, state messages', async () => {
    const knowledge = await discoverCatalogKnowledge({
      supUrl: site.urls.supHttp,
      mpUrl: site.urls.mpHttp,
      builds: [22631, 19045],
    });
    const virtualStart = site.model.clock.now();
    const options: FleetBehaviourOptions = {
      fleet: {
        start: 'fresh',
        rolloutRampMs: 2 * MIN,
        machines: [
          { name: 'win11', build: 22631, weight: 1, installedFraction: 0.5 },
          { name: 'win10', build: 19045, weight: 1, installedFraction: 0.5 },
        ],
        timers: { firstScanWindowMs: 5 * MIN, stateMessageCycleMs: 5 * MIN },
      },
      targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
      knowledge,
    };
    const { summary } = await runLoad({
      fleetSize: CLIENTS,
      workers: 2,
      seed: 4,
      speed: SPEED,
      virtualStart,
      durationMs: 25 * MIN,
      behaviourModule: FLEET_BEHAVIOUR_MODULE,
      behaviourOptions: options,
      transport: { connections: 8 },
      intervalMs: 250,
      out: null,
      handleSignals: false,
    });
    expect(summary.end, summary.endReason).toBe('completed');
    const op = (name: string) => summary.operations.find((o) => o.name === name);
    expect(op('mp.registration')?.requests).toBe(CLIENTS);
    expect(op('wsus.GetConfig')?.requests).toBe(CLIENTS);
    expect(op('wsus.ReportEventBatch')?.requests).toBe(CLIENTS);
    expect(op('wsus.SyncUpdates')?.requests).toBeGreaterThan(CLIENTS * 2);
    expect(op('mp.statemsg')?.requests).toBeGreaterThanOrEqual(CLIENTS);
    for (const o of summary.operations) expect(o.errors, o.name).toBe(0);
    const g = summary.fleet.gauges;
    expect(g['fleet.coldScans']).toBe(CLIENTS);
    expect(g['fleet.compliant']! + g['fleet.nonCompliant']!).toBe(CLIENTS);
    expect(g['adapter.activeExchanges']).toBe(0);
    expect(site.sup.snapshot().registrations).toBe(CLIENTS + 2); // + discovery's scan client per build
    expect(site.mp.snapshot().registrations).toBe(CLIENTS + 1);
    expect(site.mp.backlog().accepted).toBeGreaterThan(CLIENTS * 50);
  }, 60_000);
});
