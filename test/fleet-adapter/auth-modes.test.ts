// W-AUTH through the swarm's scan exchange against the reference site in each auth mode: fresh clients
// cold-scan an anonymous SUP without any GetAuthorizationCookie (and without RegisterComputer, which its
// GetConfig says is not required); warm clients whose knowledge came from discovery renew an expired
// cookie with GetCookie alone; a SUP with SimpleTargeting at another ServiceUrl is asked there.
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpAction } from '../../harness/engine/behaviour.ts';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import type { FleetBehaviourOptions } from '../../harness/engine/fleet-adapter/index.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from './behaviour-loop.ts';
import { freshFleetOptions, startTestSite, T0 } from './site.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CLIENTS = 4;
let site: RunningSite | undefined;
let loop: BehaviourLoop | undefined;

afterEach(async () => {
  await loop?.close();
  await site?.stop();
  loop = undefined;
  site = undefined;
});

async function run(options: FleetBehaviourOptions, until: number): Promise<FleetBehaviour> {
  const behaviour = new FleetBehaviour(
    shardContext(CLIENTS, 5, T0),
    options,
    await createRegistrationSigner(),
    createNodePlatform(),
  );
  loop = new BehaviourLoop(behaviour, CLIENTS, site!.model.clock);
  await loop.runUntil(until);
  return behaviour;
}

function failures(l: BehaviourLoop) {
  return l.sent.filter((s) => s.status !== 200 && s.status !== 206);
}

describe('the swarm and GetConfig AuthInfo', () => {
  it('anonymous SUP, fresh clients: cold scans with no authorization service and no registration', async () => {
    site = await startTestSite({ auth: 'anonymous' });
    const behaviour = await run(freshFleetOptions(site), T0 + 3 * HOUR);
    expect(failures(loop!)).toEqual([]);
    expect(behaviour.fleet.counters.coldScans).toBe(CLIENTS);
    expect(loop!.count('wsus.GetConfig')).toBe(CLIENTS);
    expect(loop!.count('wsus.GetCookie')).toBe(CLIENTS);
    expect(loop!.count('wsus.GetAuthorizationCookie')).toBe(0);
    expect(loop!.count('wsus.RegisterComputer')).toBe(0);
    expect(loop!.count('wsus.ReportEventBatch')).toBe(CLIENTS);
    expect(behaviour.knowledge.authorization).toEqual({ kind: 'anonymous' });
  });

  it('anonymous SUP, warm clients from discovery: an expired cookie is renewed with GetCookie alone', async () => {
    site = await startTestSite({ auth: 'anonymous' });
    const knowledge = await discoverCatalogKnowledge({
      supUrl: site.urls.supHttp,
      mpUrl: site.urls.mpHttp,
      builds: [22631],
    });
    expect(knowledge.authorization).toEqual({ kind: 'anonymous' });
    expect(knowledge.registrationRequired).toBe(false);
    const behaviour = await run(
      {
        fleet: {
          start: 'warm',
          initialCatalogVersion: knowledge.catalogVersion,
          machines: [{ name: 'win11', build: 22631, weight: 1, installedFraction: 0.6 }],
        },
        targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
        knowledge,
        events: { forcedScans: [{ at: T0 + 10 * MIN }, { at: T0 + 30 * MIN }] },
      },
      T0 + 20 * MIN,
    );
    expect(behaviour.fleet.counters.scansOnline).toBe(CLIENTS);
    const cookies = loop!.count('wsus.GetCookie');
    loop!.skewSite(61 * MIN);
    await loop!.runUntil(T0 + 40 * MIN);
    expect(site.sup.snapshot().faultsIssued.CookieExpired).toBe(CLIENTS);
    expect(loop!.count('wsus.GetCookie') - cookies).toBe(CLIENTS);
    expect(loop!.count('wsus.GetAuthorizationCookie')).toBe(0);
    expect(Object.keys(behaviour.fleet.counters.scanFailures)).toEqual([]);
  });

  it('SimpleTargeting at another ServiceUrl: GetAuthorizationCookie is sent there', async () => {
    site = await startTestSite({ authServiceUrl: 'PatchstormAuth/Targeting.asmx' });
    const options = freshFleetOptions(site);
    const behaviour = new FleetBehaviour(
      shardContext(CLIENTS, 5, T0),
      options,
      await createRegistrationSigner(),
      createNodePlatform(),
    );
    loop = new BehaviourLoop(behaviour, CLIENTS, site.model.clock);
    const authPaths: string[] = [];
    loop.inspect = (_client, action: HttpAction) => {
      if (action.operation === 'wsus.GetAuthorizationCookie') authPaths.push(action.path);
    };
    await loop.runUntil(T0 + 3 * HOUR);
    expect(failures(loop)).toEqual([]);
    expect(behaviour.fleet.counters.coldScans).toBe(CLIENTS);
    expect(authPaths).toEqual(Array(CLIENTS).fill('/PatchstormAuth/Targeting.asmx'));
    expect(loop.count('wsus.RegisterComputer')).toBe(CLIENTS);
  });
});
