// A required deployment with a deadline (D-POLICY, D-REQUIRED, D-DP, T-DEADLINE, D-INSTALL): clients
// receive the assignment policy, download the applicable files from the DP (content location, HEAD,
// ranged GETs, SHA-1 checked), install at the deadline and report 402 Installed and 500 Installed, which
// the site's compliance shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import type { FleetBehaviourOptions } from '../../harness/engine/fleet-adapter/index.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import { parseCcmPost, parseStateMessageReport, type StateMessage } from '../../protocol/mp/index.ts';
import type { CatalogUpdate } from '../../site/catalog/types.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from './behaviour-loop.ts';
import { startTestSite, T0 } from './site.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CLIENTS = 8;
let site: RunningSite;
let loop: BehaviourLoop;
let behaviour: FleetBehaviour;
let deployed: CatalogUpdate[];
const messages: StateMessage[] = [];
const dpPaths: string[] = [];

beforeAll(async () => {
  site = await startTestSite();
  const knowledge = await discoverCatalogKnowledge({
    supUrl: site.urls.supHttp,
    mpUrl: site.urls.mpHttp,
    builds: [22631],
    // No content-id resolver: the DP content ids must come from the deployment policy (D-DP).
  });
  const options: FleetBehaviourOptions = {
    fleet: {
      start: 'warm',
      initialCatalogVersion: knowledge.catalogVersion,
      machines: [{ name: 'win11', build: 22631, weight: 1, installedFraction: 0.3 }],
      timers: { deadlineRandomMs: 0, restartCountdownMs: 10 * MIN },
    },
    targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
    knowledge,
    verifyContent: true,
    downloadChunkBytes: 256 * 1024,
  };
  behaviour = new FleetBehaviour(
    shardContext(CLIENTS, 21, T0),
    options,
    await createRegistrationSigner(),
    createNodePlatform(),
  );
  loop = new BehaviourLoop(behaviour, CLIENTS, site.model.clock);
  loop.inspect = (_client, action, result) => {
    if (action.operation === 'dp.head' || action.operation === 'dp.get') dpPaths.push(action.path);
    if (action.operation !== 'mp.statemsg' || !result.ok) return;
    const post = parseCcmPost(action.headers!['content-type']!, action.body as Uint8Array);
    messages.push(...parseStateMessageReport(post.body).messages);
  };
  // The two newest 22631 leaf packages, required, deadline in 3 hours.
  deployed = site.model.catalog.updates
    .filter((u) => u.kind === 'leaf' && u.applicableBuilds.includes(22631))
    .sort((a, b) => b.revisionId - a.revisionId)
    .slice(0, 2);
  site.model.deployments.create(
    { updateIds: deployed.map((u) => u.updateId), kind: 'required', deadline: T0 + 3 * HOUR },
    T0,
  );
  await loop.runUntil(T0 + 6 * HOUR);
}, 120_000);

afterAll(async () => {
  await loop?.close();
  await site?.stop();
});

describe('a required deployment with a deadline', () => {
  it('downloads the applicable files from the DP before the deadline, verified', () => {
    const c = behaviour.fleet.counters;
    expect(c.downloads).toBeGreaterThan(0);
    expect(c.downloadsFailed).toBe(0);
    expect(loop.count('mp.location.content')).toBeGreaterThan(0);
    expect(loop.count('dp.head')).toBe(loop.count('mp.location.content'));
    expect(loop.count('dp.get')).toBeGreaterThanOrEqual(loop.count('dp.head'));
    expect(behaviour.stats.contentHashMismatches).toBe(0);
    // Content ids came from the deployment policy, so every byte came from the DP share, none from WSUS.
    expect(dpPaths.length).toBeGreaterThan(0);
    expect(dpPaths.every((p) => p.startsWith('/SMS_DP_SMSPKG$/'))).toBe(true);
    const files = loop.sent.filter((s) => s.operation === 'dp.get');
    expect(files.every((s) => s.status === 206)).toBe(true);
    expect(behaviour.stats.contentBytes).toBeGreaterThan(100_000);
    const heads = loop.sent.filter((s) => s.operation === 'dp.head');
    expect(Math.min(...heads.map((h) => h.at))).toBeLessThan(T0 + 3 * HOUR);
  });

  it('installs at the deadline and reports 402 Installed and 500 Installed', () => {
    const c = behaviour.fleet.counters;
    expect(c.installs).toBe(c.downloads);
    const ids = new Set(deployed.map((u) => u.updateId));
    const installed402 = messages.filter(
      (m) => m.topicType === 402 && m.stateId === 10 && ids.has(m.topicId),
    );
    const installed500 = messages.filter((m) => m.topicType === 500 && m.stateId === 3 && ids.has(m.topicId));
    expect(installed402.length).toBeGreaterThan(0);
    expect(installed500.length).toBeGreaterThanOrEqual(c.updatesInstalled);
    expect(Math.min(...installed402.map((m) => m.messageTime))).toBeGreaterThanOrEqual(T0 + 3 * HOUR);
  });

  it('the site shows the deployed updates installed', () => {
    const compliance = site.mp.compliance();
    const installed = deployed.reduce((n, u) => n + compliance.perUpdate[u.updateId]!.installed, 0);
    // Warm clients reported their earlier state before the run; what the site learns now is the installs.
    expect(behaviour.fleet.counters.updatesInstalled).toBeGreaterThan(0);
    expect(installed).toBe(behaviour.fleet.counters.updatesInstalled);
    for (const u of deployed) expect(compliance.perUpdate[u.updateId]!.required).toBe(0);
    expect(site.mp.backlog().gaps).toBe(0);
  });
});
