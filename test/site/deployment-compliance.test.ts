// Per-deployment compliance from processed topic-300/301 messages: the highest serial wins per client,
// targeted = every client the site knows, and a client whose messages still wait in the backlog is
// Unknown (M-BACKLOG). Then the observer route over a real socket.
import { afterEach, describe, expect, it } from 'vitest';
import { fetchDeploymentCompliance } from '../../harness/metrics/deployment-probe.ts';
import type { Catalog } from '../../site/catalog/types.ts';
import { SiteClock } from '../../site/clock.ts';
import { DeploymentStore } from '../../site/deployments.ts';
import type { RunningSite } from '../../site/server.ts';
import type { SiteConfig, SiteModel } from '../../site/model.ts';
import { DeploymentComplianceStore, StateSystem, statusOf } from '../../site/statemsg/index.ts';
import type { InboundMessage } from '../../site/statemsg/types.ts';
import { startLocalSite } from '../local-site.ts';

const T0 = Date.UTC(2025, 0, 14, 18, 0, 0);
const U1 = 'aaaaaaaa-0000-4000-8000-000000000001';

function model(): SiteModel {
  return {
    config: {} as SiteConfig,
    clock: new SiteClock({ mode: 'manual', start: T0 }),
    catalog: { version: 1, updates: [] } as unknown as Catalog,
    deployments: new DeploymentStore(),
    violations: new Set(),
  };
}

const m300 = (serialNumber: number, id: string, stateId: number): InboundMessage => ({
  serialNumber,
  messageTime: T0,
  topicType: 300,
  topicId: id,
  stateId,
});
const m301 = (serialNumber: number, id: string, stateId: number): InboundMessage => ({
  ...m300(serialNumber, id, stateId),
  topicType: 301,
});

const systems: StateSystem[] = [];
afterEach(() => {
  for (const s of systems.splice(0)) s.stop();
});

describe('statusOf (300/301 -> deployment status)', () => {
  it('maps ConfigMgr states to the six buckets and ignores other topics and unknown states', () => {
    expect(statusOf(300, 1)).toBe('installed');
    expect(statusOf(300, 2)).toBe('required');
    expect(statusOf(301, 7)).toBe('required');
    expect(statusOf(301, 8)).toBe('downloaded');
    expect(statusOf(301, 10)).toBe('downloaded');
    expect(statusOf(301, 4)).toBe('installed');
    expect(statusOf(301, 5)).toBe('pendingRestart');
    expect(statusOf(301, 6)).toBe('failed');
    expect(statusOf(301, 9)).toBe('failed');
    expect(statusOf(301, 0)).toBeUndefined();
    expect(statusOf(300, 3)).toBeUndefined();
    expect(statusOf(402, 10)).toBeUndefined();
  });
});

describe('DeploymentComplianceStore', () => {
  it('keeps the highest serial per client and deployment; a late older message changes nothing', () => {
    const store = new DeploymentComplianceStore();
    const id = '{5A000001-0000-4000-8000-000000000000}';
    expect(store.apply('GUID:a', 300, id, 2, 10)).toBe(true);
    expect(store.apply('GUID:a', 301, id.toLowerCase(), 8, 11)).toBe(true);
    expect(store.apply('GUID:a', 301, id, 7, 9)).toBe(false);
    expect(store.apply('GUID:b', 301, id, 5, 3)).toBe(true);
    expect(store.countsFor(id)).toEqual({
      required: 0,
      downloaded: 1,
      installed: 0,
      failed: 0,
      pendingRestart: 1,
    });
    expect(store.figure({ id, name: 'PT' }, 5)).toMatchObject({ targeted: 5, unknown: 3 });
  });
});

describe('StateSystem.deploymentCompliance', () => {
  it('counts processed messages only: a waiting report is Unknown until the processor loads it', () => {
    const m = model();
    const s = new StateSystem(m, { loaderThreads: 1, recordsPerMinutePerLoader: 60 }); // 1 record/s
    systems.push(s);
    const d = m.deployments.create(
      { name: 'PT', updateIds: [U1], kind: 'required', deadline: T0 + 3_600_000 },
      T0,
    );
    const other = m.deployments.create({ name: 'Later', updateIds: [U1], kind: 'available' }, T0);
    s.noteClient('GUID:registered-only');
    s.accept({ clientId: 'GUID:a', messages: [m300(1, d.id, 2), m301(2, d.id, 8)] });
    s.accept({ clientId: 'GUID:b', messages: [m301(1, d.id, 4), m300(2, d.id, 1)] });
    s.accept({ clientId: 'GUID:c', messages: [m301(1, d.id, 6)] });

    const before = s.deploymentCompliance();
    expect(before.map((x) => x.id)).toEqual([d.id, other.id]);
    expect(before[0]).toEqual({
      id: d.id,
      name: 'PT',
      deadline: T0 + 3_600_000,
      targeted: 4,
      required: 0,
      downloaded: 0,
      installed: 0,
      failed: 0,
      pendingRestart: 0,
      unknown: 4,
    });
    expect(before[1]).not.toHaveProperty('deadline');

    m.clock.advance(2_000); // two records: client a's report
    expect(s.deploymentCompliance()[0]).toMatchObject({ downloaded: 1, unknown: 3 });
    m.clock.advance(60_000);
    const after = s.deploymentCompliance();
    expect(after[0]).toMatchObject({ targeted: 4, downloaded: 1, installed: 1, failed: 1, unknown: 1 });
    expect(after[1]).toMatchObject({ targeted: 4, unknown: 4 });
    for (const x of after) {
      expect(x.required + x.downloaded + x.installed + x.failed + x.pendingRestart + x.unknown).toBe(
        x.targeted,
      );
    }
  });
});

describe('GET /api/deployments/compliance', () => {
  let site: RunningSite | undefined;
  afterEach(async () => {
    await site?.stop();
    site = undefined;
  });

  it('answers every deployment with its figures; the harness probe reads the same shape', async () => {
    site = await startLocalSite({ catalog: { leafUpdates: 40 } });
    const observer = site.urls.observer;
    const res = await fetch(`${observer}/api/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Patch Tuesday', count: 3, kind: 'required', deadlineHours: 2 }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; deadline: number };
    const raw = await (await fetch(`${observer}/api/deployments/compliance`)).json();
    expect(raw).toEqual([
      {
        id: created.id,
        name: 'Patch Tuesday',
        deadline: Math.round(created.deadline),
        targeted: 0,
        required: 0,
        downloaded: 0,
        installed: 0,
        failed: 0,
        pendingRestart: 0,
        unknown: 0,
      },
    ]);
    expect(await fetchDeploymentCompliance(observer)).toEqual(raw);
  });

  it('the probe answers undefined, within its bound, when nothing listens', async () => {
    const started = performance.now();
    expect(await fetchDeploymentCompliance('http://127.0.0.1:9', { timeoutMs: 1000 })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
