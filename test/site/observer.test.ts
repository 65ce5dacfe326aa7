import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observerHeaders } from '../../protocol/observer.ts';
import { generateCatalog } from '../../site/catalog/generate.ts';
import { SiteClock } from '../../site/clock.ts';
import { DeploymentStore } from '../../site/deployments.ts';
import { FaultInjector } from '../../site/faults.ts';
import type { SiteModel } from '../../site/model.ts';
import { type RunningObserver, startObserver } from '../../site/observer.ts';
import { SITE_DEFAULTS } from '../../site/options.ts';
import { SiteStats } from '../../site/stats.ts';
import { VIOLATION_NAMES } from '../../site/violations.ts';

// Loosely typed on purpose: the tests assert the JSON shapes field by field.
// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API under test
type Json = any;

const START = Date.parse('2025-06-10T12:00:00Z');

describe('observer API', () => {
  let observer: RunningObserver;
  let model: SiteModel;
  const stats = new SiteStats();
  const faults = new FaultInjector();

  beforeAll(async () => {
    const clock = new SiteClock({ mode: 'manual', start: START });
    model = {
      config: { ...SITE_DEFAULTS },
      clock,
      catalog: generateCatalog({ seed: 3, leafUpdates: 12, now: START }),
      deployments: new DeploymentStore(),
      violations: new Set(),
    };
    observer = await startObserver(0, {
      model,
      stats,
      faults,
      backlog: () => ({ depth: 3, oldestAgeMs: 1000 }),
      compliance: () => ({ overall: { required: 1, notRequired: 0, installed: 0, unknown: 5 } }),
      frontEndState: () => ({ sup: { registrations: 2 } }),
    });
  });
  afterAll(() => observer.stop());

  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${observer.url}${path}`, {
      method,
      headers: observerHeaders(method),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };

  it('listens on loopback only', () => {
    expect(observer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('shows request stats with the front-ends state', async () => {
    const c = stats.counters('sup', 'GetConfig');
    c.requests += 5;
    c.status['2xx'] += 5;
    const { status, json } = await call('GET', '/api/stats');
    expect(status).toBe(200);
    expect(json.total.requests).toBe(5);
    expect(json.frontEnds.sup.operations.GetConfig.status['2xx']).toBe(5);
    expect(json.frontEndState.sup.registrations).toBe(2);
    expect((await call('POST', '/api/stats/reset')).status).toBe(200);
    expect((await call('GET', '/api/stats')).json.total.requests).toBe(0);
  });

  it('passes backlog and compliance through from the MP', async () => {
    expect((await call('GET', '/api/backlog')).json).toEqual({ depth: 3, oldestAgeMs: 1000 });
    expect((await call('GET', '/api/compliance')).json.overall.unknown).toBe(5);
  });

  it('reads and advances the clock', async () => {
    const before = await call('GET', '/api/clock');
    expect(before.json).toMatchObject({ mode: 'manual', now: '2025-06-10T12:00:00.000Z' });
    const after = await call('POST', '/api/clock/advance', { hours: 1, minutes: 30, ms: 5 });
    expect(after.json).toMatchObject({ now: '2025-06-10T13:30:00.005Z', advancedMs: 5_400_005 });
    const bad = await call('POST', '/api/clock/advance', { hours: -1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/hours: got -1: .*>=0/);
    expect((await call('POST', '/api/clock/advance', {})).json.error).toMatch(/give hours, minutes or ms/);
    expect((await call('PUT', '/api/clock', { speed: 60 })).json).toMatchObject({
      speed: 60,
      mode: 'manual',
    });
  });

  it('shows the catalog and publishes a new version', async () => {
    const before = await call('GET', '/api/catalog');
    expect(before.json.version).toBe(1);
    expect(before.json.byKind.leaf).toBeGreaterThanOrEqual(12);
    const published = await call('POST', '/api/catalog/publish', { count: 2 });
    expect(published.status).toBe(200);
    expect(published.json.version).toBe(2);
    expect(published.json.published.filter((u: { kind: string }) => u.kind === 'leaf')).toHaveLength(2);
    expect(published.json.lastChange).toBe(new Date(model.clock.now()).toISOString());
    expect((await call('POST', '/api/catalog/publish', { count: 0 })).json.error).toMatch(/count: got 0/);
  });

  it('creates deployments from update ids, KB numbers or the newest leaf updates', async () => {
    const leaves = model.catalog.updates.filter((u) => u.kind === 'leaf');
    const byId = await call('POST', '/api/deployments', {
      updateIds: [leaves[0]!.updateId.toUpperCase()],
      kind: 'required',
      deadlineHours: 24,
    });
    expect(byId.status).toBe(201);
    expect(byId.json.updateIds).toEqual([leaves[0]!.updateId]);
    expect(byId.json.deadline).toBe(model.clock.now() + 24 * 3_600_000);

    const kb = leaves[1]!.kb!;
    const byKb = await call('POST', '/api/deployments', { kbs: [`KB${kb}`], kind: 'available' });
    expect(byKb.status).toBe(201);
    expect(byKb.json.updateIds).toContain(leaves[1]!.updateId);

    const newest = await call('POST', '/api/deployments', { count: 2, deadlineHours: 0 });
    expect(newest.status).toBe(201);
    const newestTwo = [...leaves]
      .sort((a, b) => b.catalogVersion - a.catalogVersion || b.revisionId - a.revisionId)
      .slice(0, 2)
      .map((u) => u.updateId);
    expect(newest.json.updateIds).toEqual(newestTwo);

    const list = await call('GET', '/api/deployments');
    expect(list.json.deployments).toHaveLength(3);
  });

  it('rejects deployments it cannot make, saying why', async () => {
    const unknown = await call('POST', '/api/deployments', {
      updateIds: ['00000000-0000-0000-0000-000000000000'],
      kind: 'available',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatch(/updateIds: 00000000-0000-0000-0000-000000000000 not in the catalog/);
    const noDeadline = await call('POST', '/api/deployments', { count: 1, kind: 'required' });
    expect(noDeadline.json.error).toMatch(/deadlineHours: required when kind is "required"/);
    const both = await call('POST', '/api/deployments', { count: 1, kbs: ['1'], kind: 'available' });
    expect(both.json.error).toMatch(/exactly one of updateIds/);
    const badKind = await call('POST', '/api/deployments', { count: 1, kind: 'mandatory' });
    expect(badKind.json.error).toMatch(/kind: got "mandatory": .*"required"\|"available"/);
  });

  it('gets and replaces fault rules, rejecting bad ones', async () => {
    const put = await call('PUT', '/api/faults', {
      seed: 9,
      rules: [{ frontEnd: 'sup', serverBusyRate: 0.5 }],
    });
    expect(put.status).toBe(200);
    expect(faults.config.rules[0]).toMatchObject({ frontEnd: 'sup', operation: '*', serverBusyRate: 0.5 });
    expect((await call('GET', '/api/faults')).json.seed).toBe(9);
    const bad = await call('PUT', '/api/faults', { rules: [{ http503Rate: 2 }] });
    expect(bad.status).toBe(400);
    expect(bad.json.problems[0]).toMatch(/faults\.rules\[0\]\.http503Rate: got 2/);
    expect(faults.config.seed).toBe(9); // unchanged by a rejected update
  });

  it('switches violations by name and names the valid ones when one is unknown', async () => {
    const put = await call('PUT', '/api/violations', { names: ['no-paging', 'ignore-range'] });
    expect(put.json.names).toEqual(['no-paging', 'ignore-range']);
    expect(model.violations.has('no-paging')).toBe(true);
    const bad = await call('PUT', '/api/violations', { names: ['no-paging', 'be-evil'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('unknown violation "be-evil"');
    expect(bad.json.error).toContain(VIOLATION_NAMES.join(', '));
    expect([...model.violations]).toEqual(['no-paging', 'ignore-range']);
    expect((await call('GET', '/api/violations')).json.valid).toEqual([...VIOLATION_NAMES]);
  });

  it('answers invalid JSON, unknown routes and wrong methods clearly', async () => {
    const badJson = await call('PUT', '/api/faults', '{"rules": [');
    expect(badJson.status).toBe(400);
    expect(badJson.json.error).toMatch(/body: not valid JSON/);
    const missing = await call('GET', '/api/nothing');
    expect(missing.status).toBe(404);
    expect(missing.json.routes).toContain('GET /api/stats');
    const wrong = await call('DELETE', '/api/faults');
    expect(wrong.status).toBe(405);
    expect(wrong.json.error).toMatch(/allowed: GET, PUT/);
  });
});
