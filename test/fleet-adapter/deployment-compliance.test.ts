// End to end: a warm fleet against the reference site, a required deployment created through the
// observer API, and ConfigMgr's per-deployment figure as the harness probe reads it from
// GET /api/deployments/compliance: every sample adds up (targeted = the sum of the states), clients have
// downloaded before the deadline, installed rises after it, and the failures the fleet was told to make
// show as failed. The clients' 300/301 messages name the deployment by its assignment id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import type { FleetBehaviourOptions } from '../../harness/engine/fleet-adapter/index.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import type { DeploymentCompliance } from '../../harness/metrics/aggregator.ts';
import { fetchDeploymentCompliance } from '../../harness/metrics/deployment-probe.ts';
import { parseCcmPost, parseStateMessageReport, type StateMessage } from '../../protocol/mp/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from './behaviour-loop.ts';
import { startTestSite, T0 } from './site.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CLIENTS = 24;
const DEADLINE = T0 + 3 * HOUR;
let site: RunningSite;
let loop: BehaviourLoop;
let assignmentId: string;
const messages: StateMessage[] = [];
const samples: Array<{ at: number; figure: DeploymentCompliance }> = [];

async function sample(): Promise<void> {
  const all = await fetchDeploymentCompliance(site.urls.observer, { timeoutMs: 5000 });
  expect(all, 'the observer answered').toBeDefined();
  expect(all).toHaveLength(1);
  samples.push({ at: site.model.clock.now(), figure: all![0]! });
}

beforeAll(async () => {
  site = await startTestSite();
  const knowledge = await discoverCatalogKnowledge({
    supUrl: site.urls.supHttp,
    mpUrl: site.urls.mpHttp,
    builds: [22631],
  });
  const options: FleetBehaviourOptions = {
    fleet: {
      start: 'warm',
      initialCatalogVersion: knowledge.catalogVersion,
      machines: [{ name: 'win11', build: 22631, weight: 1, installedFraction: 0.4 }],
      timers: { deadlineRandomMs: 30 * MIN, restartCountdownMs: 40 * MIN },
      installFailureRate: 0.2,
    },
    targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
    knowledge,
  };
  const behaviour = new FleetBehaviour(
    shardContext(CLIENTS, 5, T0),
    options,
    await createRegistrationSigner(),
    createNodePlatform(),
  );
  loop = new BehaviourLoop(behaviour, CLIENTS, site.model.clock);
  loop.inspect = (_client, action, result) => {
    if (action.operation !== 'mp.statemsg' || !result.ok) return;
    const post = parseCcmPost(action.headers!['content-type']!, action.body as Uint8Array);
    messages.push(...parseStateMessageReport(post.body).messages);
  };
  // Two updates whose install asks for a restart (CBS) and two that do not, all applicable to 22631.
  const candidates = knowledge.updates.filter(
    (u) => u.isLeaf && u.kind === 'software' && u.applicableBuilds.includes(22631),
  );
  const restart = candidates.filter((u) => u.needsRestart).slice(0, 2);
  const noRestart = candidates.filter((u) => !u.needsRestart).slice(0, 2);
  expect(restart).toHaveLength(2);
  expect(noRestart).toHaveLength(2);
  const updateIds = [...restart, ...noRestart].map((u) => u.updateId);
  const res = await fetch(`${site.urls.observer}/api/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Patch Tuesday', updateIds, kind: 'required', deadlineHours: 3 }),
  });
  expect(res.status).toBe(201);
  assignmentId = ((await res.json()) as { id: string }).id;
  await sample(); // before any client heard of it
  for (let at = T0 + 15 * MIN; at <= T0 + 8 * HOUR; at += 15 * MIN) {
    await loop.runUntil(at);
    await sample();
  }
}, 180_000);

afterAll(async () => {
  await loop?.close();
  await site?.stop();
});

const installedAt = (t: number) => samples.filter((s) => s.at <= t).at(-1)!.figure;

describe('deployment compliance from the site, end to end', () => {
  it('every sample adds up: targeted = required + downloaded + installed + failed + pending restart + unknown', () => {
    expect(samples.length).toBeGreaterThan(10);
    for (const { figure: f } of samples) {
      expect(f.id).toBe(assignmentId);
      expect(f.deadline).toBe(DEADLINE);
      expect(f.required + f.downloaded + f.installed + f.failed + f.pendingRestart + f.unknown).toBe(
        f.targeted,
      );
    }
    expect(samples[0]!.figure).toMatchObject({ installed: 0, downloaded: 0, failed: 0 });
    // The site knows every client that reported, plus discovery's cold-scan client, which registered
    // with the MP and never reports: targeted and Unknown, as ConfigMgr would show it.
    expect(samples.at(-1)!.figure.targeted).toBe(CLIENTS + 1);
  });

  it('clients download before the deadline and installed rises after it', () => {
    const atDeadline = installedAt(DEADLINE);
    const end = samples.at(-1)!.figure;
    console.log(
      `deployment compliance: at the deadline ${JSON.stringify(atDeadline)}; at the end ${JSON.stringify(end)}`,
    );
    expect(atDeadline.downloaded).toBeGreaterThan(0);
    expect(end.installed).toBeGreaterThan(atDeadline.installed);
    expect(Math.max(...samples.map((s) => s.figure.pendingRestart))).toBeGreaterThan(0);
    expect(end.failed).toBeGreaterThan(0);
    expect(end.unknown).toBe(1);
    expect(end.downloaded).toBe(0);
  });

  it('the clients sent 300/301 with the assignment id as TopicID (IDType 2) and 402 per deployed update', () => {
    const deploymentMessages = messages.filter((m) => m.topicType === 300 || m.topicType === 301);
    expect(deploymentMessages.length).toBeGreaterThan(CLIENTS);
    for (const m of deploymentMessages) expect(m).toMatchObject({ topicId: assignmentId, topicIdType: 2 });
    const states402 = new Set(messages.filter((m) => m.topicType === 402).map((m) => m.stateId));
    for (const s of [13, 9, 10, 11]) expect(states402).toContain(s);
  });
});
