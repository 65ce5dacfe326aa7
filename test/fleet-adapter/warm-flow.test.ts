// Warm clients ("scanned yesterday") start from the discovered knowledge: their first online scan sends
// the whole cache and gets nothing new (W-DELTA); after a catalog publish, their next scans pick up
// exactly the new updates, which the shard parses once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import type { CatalogKnowledge, FleetBehaviourOptions } from '../../harness/engine/fleet-adapter/index.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import { scanSyncUpdatesSummary } from '../../protocol/wsus/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from './behaviour-loop.ts';
import { startTestSite, T0 } from './site.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CLIENTS = 10;
const BUILDS = [22631, 19045];
let site: RunningSite;
let knowledge: CatalogKnowledge;
let loop: BehaviourLoop;
let behaviour: FleetBehaviour;
/** Per client: revision ids offered as new in its software SyncUpdates replies, per phase of the test. */
const offered: Map<number, number[]>[] = [new Map(), new Map()];
let phase = 0;
/** Per client: NewUpdates per software page of each scan of phase 1 (a driver pass closes a scan). */
const scanPages = new Map<number, number[][]>();
let open = new Map<number, number[]>();

beforeAll(async () => {
  site = await startTestSite();
  knowledge = await discoverCatalogKnowledge({
    supUrl: site.urls.supHttp,
    mpUrl: site.urls.mpHttp,
    builds: BUILDS,
  });
  const options: FleetBehaviourOptions = {
    fleet: {
      start: 'warm',
      initialCatalogVersion: knowledge.catalogVersion,
      machines: [
        { name: 'win11', build: 22631, weight: 1, installedFraction: 0.6 },
        { name: 'win10', build: 19045, weight: 1, installedFraction: 0.6 },
      ],
    },
    targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
    knowledge,
    events: { forcedScans: [{ at: T0 + 10 * MIN, spreadMs: 5 * MIN }] },
  };
  behaviour = new FleetBehaviour(
    shardContext(CLIENTS, 5, T0),
    options,
    await createRegistrationSigner(),
    createNodePlatform(),
  );
  loop = new BehaviourLoop(behaviour, CLIENTS, site.model.clock);
  loop.inspect = (client, action, result) => {
    if (action.operation !== 'wsus.SyncUpdates' || !result.ok || result.status !== 200) return;
    const body = typeof action.body === 'string' ? action.body : '';
    if (body.includes('<SkipSoftwareSync>true')) {
      // The driver pass ends the scan's software pass.
      if (phase === 1) scanPages.set(client, [...(scanPages.get(client) ?? []), open.get(client) ?? []]);
      open.delete(client);
      return;
    }
    const ids = scanSyncUpdatesSummary(Buffer.from(result.body).toString('utf8')).newIds;
    open.set(client, [...(open.get(client) ?? []), ids.length]);
    const map = offered[phase]!;
    map.set(client, [...(map.get(client) ?? []), ...ids]);
  };
  await loop.runUntil(T0 + 30 * MIN);
}, 120_000);

afterAll(async () => {
  await loop?.close();
  await site?.stop();
});

describe('warm clients', () => {
  it('first online scan (forced) sends the cache and gets nothing new', () => {
    expect(behaviour.fleet.counters.scansOnline).toBe(CLIENTS);
    expect(behaviour.fleet.counters.coldScans).toBe(0);
    // The engine gauges (summary.json fleet.gauges, the summary's fleet line) split scans both ways.
    const g = behaviour.gauges();
    expect(g['fleet.scansForced']).toBe(CLIENTS);
    expect(g['fleet.scansForced']! + g['fleet.scansUnforced']!).toBe(
      g['fleet.scansOnline']! + g['fleet.scansOffline']!,
    );
    expect(offered[0]!.size).toBe(CLIENTS);
    for (const ids of offered[0]!.values()) expect(ids).toEqual([]);
    // The cache rides along: well over a thousand bytes of revision ids in each software SyncUpdates.
    const syncs = loop.sent.filter((s) => s.operation === 'wsus.SyncUpdates');
    const cached = Math.min(
      ...knowledge.machines.map((m) => m.installedNonLeaf.length + m.otherCached.length),
    );
    expect(Math.max(...syncs.map((s) => s.bytesOut))).toBeGreaterThan(cached * 15);
    expect(behaviour.stats.revisionsLearned).toBe(0);
    expect(loop.count('wsus.GetConfig')).toBe(0); // warm: config cached, only the cookie is renewed
    expect(loop.count('wsus.GetCookie')).toBe(CLIENTS);
    expect(loop.count('wsus.GetExtendedUpdateInfo')).toBe(0);
  });

  it('after a catalog publish, warm scans pick up exactly the new updates', async () => {
    phase = 1;
    open = new Map();
    const published = site.model.catalog.publish(6, site.model.clock.now());
    // T-POLL brings the new UpdateSource version within the hour, T-FIRSTSCAN scans within 2 h.
    await loop.runUntil(T0 + 4 * HOUR);
    expect(offered[1]!.size).toBe(CLIENTS);
    for (const [client, ids] of offered[1]!) {
      const build = behaviour.knowledge.machines[behaviour.fleet.client(client).machine]!.build;
      const expected = published.filter((u) => u.applicableBuilds.includes(build)).map((u) => u.revisionId);
      expect(new Set(ids)).toEqual(new Set(expected));
    }
    expect(behaviour.stats.revisionsLearned).toBe(new Set([...offered[1]!.values()].flat()).size);
    for (const u of published) {
      const g = behaviour.knowledge.globalOfRevision(u.revisionId);
      if (g === undefined) continue;
      const known = behaviour.knowledge.updates[g]!;
      expect(known.updateId).toBe(u.updateId);
      if (u.kind === 'leaf')
        expect(known.files.map((f) => f.sha1Hex)).toEqual(u.files.map((f) => f.sha1.toString('hex')));
    }
    for (let c = 0; c < CLIENTS; c++)
      expect(behaviour.fleet.client(c).cachedCatalogVersion).toBe(site.model.catalog.version);
    // W-PAGE: a scan that brings the new updates asks no extra page that comes back empty (until issue
    // 10 each such scan ended with one); a scan with nothing new asks its one page.
    expect(scanPages.size).toBe(CLIENTS);
    for (const [client, scans] of scanPages) {
      for (const pages of scans) {
        if (pages.length === 1 && pages[0] === 0) continue;
        expect(
          pages.every((n) => n > 0),
          `client ${client}: ${pages.join(',')}`,
        ).toBe(true);
      }
      expect(scans.some((pages) => pages.some((n) => n > 0))).toBe(true);
    }
    // Faults and their W-COOKIE recoveries: warm clients were registered with "yesterday's" SUP (one
    // RegistrationRequired each, then RegisterComputer); a cookie renewed after the publish carries an old
    // LastChange (ConfigChanged, then GetConfig and a new cookie).
    const faults = site.sup.snapshot().faultsIssued;
    expect(Object.keys(faults).sort()).toEqual(
      faults.ConfigChanged ? ['ConfigChanged', 'RegistrationRequired'] : ['RegistrationRequired'],
    );
    expect(faults.RegistrationRequired).toBe(CLIENTS);
    expect(loop.count('wsus.RegisterComputer')).toBe(CLIENTS);
    expect(loop.count('wsus.GetConfig')).toBe(faults.ConfigChanged ?? 0);
    const failed = loop.sent.filter((s) => s.status !== 200 && s.status !== 206);
    expect(failed.length).toBe(CLIENTS + (faults.ConfigChanged ?? 0));
  });
});
