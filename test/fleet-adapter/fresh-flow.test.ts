// Fresh clients end to end against the reference site: register, poll policy, find their SUP, cold-scan
// (learning the whole catalog from the wire: the shard starts with empty knowledge), and post state
// messages that the site's processor turns into per-update compliance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from './behaviour-loop.ts';
import { freshFleetOptions, startTestSite, T0 } from './site.ts';

const HOUR = 3_600_000;
const CLIENTS = 12;
let site: RunningSite;
let loop: BehaviourLoop;
let behaviour: FleetBehaviour;

beforeAll(async () => {
  site = await startTestSite({ catalog: { seed: 7, leafUpdates: 300, builds: [22631, 19045] } });
  const options = freshFleetOptions(site);
  behaviour = new FleetBehaviour(
    shardContext(CLIENTS, 11, T0),
    options,
    await createRegistrationSigner(),
    createNodePlatform(),
  );
  loop = new BehaviourLoop(behaviour, CLIENTS, site.model.clock);
  await loop.runUntil(T0 + 4 * HOUR);
}, 120_000);

afterAll(async () => {
  await loop?.close();
  await site?.stop();
});

describe('fresh clients against the reference site', () => {
  it('register, poll policy, locate the SUP and cold-scan, each once per client', () => {
    const failed = loop.sent.filter((s) => s.status !== 200 && s.status !== 206);
    expect(failed).toEqual([]);
    expect(loop.count('mp.registration')).toBe(CLIENTS);
    expect(site.mp.snapshot().registrations).toBe(CLIENTS);
    expect(loop.count('mp.policy.assignments')).toBeGreaterThanOrEqual(CLIENTS);
    expect(loop.count('mp.location.wsus')).toBe(CLIENTS);
    for (const op of [
      'GetConfig',
      'GetAuthorizationCookie',
      'GetCookie',
      'RegisterComputer',
      'ReportEventBatch',
    ]) {
      expect(loop.count(`wsus.${op}`), op).toBe(CLIENTS);
    }
    expect(site.sup.snapshot().registrations).toBe(CLIENTS);
    expect(behaviour.fleet.counters.coldScans).toBe(CLIENTS);
    // The catalog was learned from the wire, and parsed once per shard, not once per client.
    expect(behaviour.stats.revisionsLearned).toBe(behaviour.knowledge.updates.length);
    expect(behaviour.stats.revisionsLearned).toBeLessThan(site.model.catalog.updates.length + 1);
  });

  it('cold scans move megabytes: the whole in-scope catalog per client', () => {
    const bytes = loop.sent.filter((s) => s.operation.startsWith('wsus.')).reduce((n, s) => n + s.bytesIn, 0);
    console.log(`cold scans: ${CLIENTS} clients, ${(bytes / 1e6).toFixed(1)} MB in from the SUP`);
    expect(bytes / CLIENTS).toBeGreaterThan(500_000);
    const pages = loop.count('wsus.SyncUpdates') / CLIENTS;
    expect(pages).toBeGreaterThanOrEqual(3); // several software pages + the driver pass
  });

  it('posts state messages the site processes into per-update compliance', async () => {
    await loop.runUntil(T0 + 5 * HOUR);
    const backlog = site.mp.backlog();
    expect(backlog.accepted).toBeGreaterThan(CLIENTS * 50);
    expect(backlog.processed).toBeGreaterThan(0);
    expect(backlog.gaps).toBe(0);
    expect(backlog.duplicates).toBe(0);
    const compliance = site.mp.compliance();
    expect(compliance.knownClients).toBe(CLIENTS);
    const leafs = site.model.catalog.updates.filter(
      (u) => u.kind === 'leaf' && u.applicableBuilds.includes(22631),
    );
    const known = leafs.filter((u) => {
      const c = compliance.perUpdate[u.updateId]!;
      return c.required + c.installed + c.notRequired > 0;
    });
    expect(known.length).toBe(leafs.length);
    expect(compliance.overall.required).toBeGreaterThan(0);
    expect(compliance.overall.installed).toBeGreaterThan(0);
  });
});
