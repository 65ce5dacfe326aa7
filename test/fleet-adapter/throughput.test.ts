// What the adapter costs per warm scan: 400 warm clients of the default catalog all forced to scan
// online (cache of ~1,200 revision ids in each SyncUpdates, the W-DELTA case), timed end to end and as
// CPU inside the behaviour (building requests, reading replies). Prints the figures; asserts only that
// every scan succeeded.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from './behaviour-loop.ts';
import { startTestSite, T0 } from './site.ts';

const CLIENTS = 400;
let site: RunningSite;
let loop: BehaviourLoop | undefined;

beforeAll(async () => {
  site = await startTestSite({ catalog: { seed: 1 } });
});

afterAll(async () => {
  await loop?.close();
  await site?.stop();
});

it('warm forced scans: wall time and behaviour CPU per scan', async () => {
  const knowledge = await discoverCatalogKnowledge({ supUrl: site.urls.supHttp, builds: [22631] });
  const behaviour = new FleetBehaviour(
    shardContext(CLIENTS, 2, T0),
    {
      fleet: {
        start: 'warm',
        initialCatalogVersion: knowledge.catalogVersion,
        machines: [{ name: 'win11', build: 22631, weight: 1, installedFraction: 0.8 }],
      },
      targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
      knowledge,
      events: { forcedScans: [{ at: T0 + 60_000 }] },
    },
    await createRegistrationSigner(),
    createNodePlatform(),
  );
  let cpu = 0;
  const timed = {
    step: (client: number, event: Parameters<FleetBehaviour['step']>[1], now: number) => {
      const t = performance.now();
      try {
        return behaviour.step(client, event, now);
      } finally {
        cpu += performance.now() - t;
      }
    },
  };
  loop = new BehaviourLoop(timed, CLIENTS, site.model.clock, { connections: 32 });
  await loop.runUntil(T0 + 59_000); // activation, nothing due yet
  cpu = 0;
  const started = performance.now();
  await loop.runUntil(T0 + 120_000);
  const wall = performance.now() - started;
  const requests = loop.sent.length;
  console.log(
    `warm forced scans: ${CLIENTS} scans, ${requests} requests in ${Math.round(wall)} ms wall ` +
      `(${Math.round((CLIENTS / wall) * 1000)} scans/s with the site in the same process); ` +
      `behaviour CPU ${(cpu / CLIENTS).toFixed(2)} ms per scan, ${((cpu / requests) * 1000).toFixed(0)} µs per request`,
  );
  expect(behaviour.fleet.counters.scansOnline).toBe(CLIENTS);
  expect(Object.keys(behaviour.fleet.counters.scanFailures)).toEqual([]);
}, 120_000);
