// W-COOKIE and T-SCANRETRY through the adapter: a cookie the site considers expired (its clock ran 61
// minutes ahead) is renewed with GetAuthorizationCookie + GetCookie and the same scan goes on; a SUP
// that refuses connections is retried, then the clients move to the next SUP in targets.sups.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import type { FleetBehaviourOptions } from '../../harness/engine/fleet-adapter/index.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from './behaviour-loop.ts';
import { startTestSite, T0 } from './site.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const MACHINES = [{ name: 'win11', build: 22631, weight: 1, installedFraction: 0.6 }];
let site: RunningSite | undefined;
let loop: BehaviourLoop | undefined;

afterEach(async () => {
  await loop?.close();
  await site?.stop();
  loop = undefined;
  site = undefined;
});

/** A loopback port nothing listens on (connections are refused). */
async function refusedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('recovery', () => {
  it('CookieExpired: the scan renews its cookie and repeats the call', async () => {
    site = await startTestSite();
    const knowledge = await discoverCatalogKnowledge({
      supUrl: site.urls.supHttp,
      mpUrl: site.urls.mpHttp,
      builds: [22631],
    });
    const clients = 6;
    const options: FleetBehaviourOptions = {
      fleet: { start: 'warm', initialCatalogVersion: knowledge.catalogVersion, machines: MACHINES },
      targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
      knowledge,
      events: { forcedScans: [{ at: T0 + 10 * MIN }, { at: T0 + 30 * MIN }] },
    };
    const behaviour = new FleetBehaviour(
      shardContext(clients, 3, T0),
      options,
      await createRegistrationSigner(),
      createNodePlatform(),
    );
    loop = new BehaviourLoop(behaviour, clients, site.model.clock);
    await loop.runUntil(T0 + 20 * MIN);
    expect(behaviour.fleet.counters.scansOnline).toBe(clients);
    const cookiesBefore = loop.count('wsus.GetCookie');
    const scanned = behaviour.fleet.client(0).lastOnlineScanAt;

    // The site's clock jumps 61 minutes: every cookie it issued is past its expiry, the clients don't know.
    loop.skewSite(61 * MIN);
    await loop.runUntil(T0 + 40 * MIN);
    const faults = site.sup.snapshot().faultsIssued;
    expect(faults.CookieExpired).toBe(clients);
    expect(loop.count('wsus.GetAuthorizationCookie') - clients).toBe(clients);
    expect(loop.count('wsus.GetCookie') - cookiesBefore).toBe(clients);
    expect(loop.count('wsus.GetConfig')).toBe(0);
    expect(behaviour.fleet.counters.scanRepeats).toBeGreaterThanOrEqual(clients);
    expect(behaviour.fleet.counters.scanFaults.CookieExpired).toBe(clients);
    expect(Object.keys(behaviour.fleet.counters.scanFailures)).toEqual([]);
    for (let c = 0; c < clients; c++)
      expect(behaviour.fleet.client(c).lastOnlineScanAt).toBeGreaterThan(scanned);
  }, 60_000);

  it('a SUP that refuses connections: T-SCANRETRY retries, then the next SUP in targets.sups', async () => {
    site = await startTestSite();
    const dead = await refusedOrigin();
    const clients = 4;
    const options: FleetBehaviourOptions = {
      fleet: { start: 'fresh', machines: MACHINES, timers: { firstScanWindowMs: 10 * MIN } },
      targets: { mp: site.urls.mpHttp, sups: [dead, site.urls.supHttp], siteCode: 'PS1' },
      knowledge: await discoverCatalogKnowledge({
        supUrl: site.urls.supHttp,
        mpUrl: site.urls.mpHttp,
        builds: [22631],
      }),
    };
    const behaviour = new FleetBehaviour(
      shardContext(clients, 9, T0),
      options,
      await createRegistrationSigner(),
      createNodePlatform(),
    );
    loop = new BehaviourLoop(behaviour, clients, site.model.clock);
    await loop.runUntil(T0 + 4 * HOUR);
    const refused = loop.sent.filter((s) => s.status === 'refused');
    // 1 try + 4 retries (T-SCANRETRY) against the dead SUP, each failing at its first call.
    expect(refused.length).toBe(clients * 5);
    for (const r of refused) expect(r.operation).toBe('wsus.GetConfig');
    expect(behaviour.fleet.counters.scanFailures.refused).toBe(clients * 5);
    expect(behaviour.fleet.counters.supSwitches).toBe(clients);
    expect(site.sup.snapshot().registrations).toBe(clients + 1); // + discovery's own client
    for (let c = 0; c < clients; c++) {
      const record = behaviour.fleet.client(c);
      expect(record.supIndex).toBe(1);
      expect(record.cachedCount).toBeGreaterThan(0);
    }
  }, 60_000);
});
