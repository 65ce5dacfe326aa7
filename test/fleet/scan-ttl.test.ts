// S-TTL, S-ONLINE, S-UNFORCED, S-FORCED: when a scan contacts the SUP.
import { describe, expect, it } from 'vitest';
import { DAY, FakeEngine, HOUR, MIN } from './fake-engine.ts';
import { fleetOf } from './fixtures.ts';

/** One fresh client whose policy reports `deployments.count` deployments, run to its first scan. */
function scannedClient() {
  const fleet = fleetOf(1);
  const deployments = { count: 0 };
  const engine = new FakeEngine(fleet, {
    policy: () => ({
      kind: 'policy-result',
      ok: true,
      softwareUpdatesEnabled: true,
      catalogVersion: 1,
      deploymentCount: deployments.count,
    }),
  });
  engine.runUntil(3 * HOUR);
  const first = engine.scans(0);
  expect(first).toHaveLength(1);
  expect(first[0]!.action).toMatchObject({ online: true, cold: true, forced: false, reason: 'first' });
  const scannedAt = first[0]!.at + engine.latencyMs;
  /** D-POLICY gives a non-forced scan on demand: a new (available) deployment arriving by policy. */
  const unforcedTriggerAt = (at: number) => {
    engine.runUntil(at - 1); // regular polls before `at` must not see the new deployment yet
    fleet.catalog.addDeployment({ kind: 'available', startTime: 0, updates: [1000] });
    deployments.count = fleet.catalog.deployments.length;
    engine.inject(
      0,
      {
        kind: 'policy-result',
        ok: true,
        softwareUpdatesEnabled: true,
        catalogVersion: 1,
        deploymentCount: deployments.count,
      },
      at,
    );
    engine.runUntil(at);
    const scan = engine.scans(0).find((s) => s.at === at);
    expect(scan, `a scan at ${at}`).toBeDefined();
    return scan!.action;
  };
  return { fleet, engine, scannedAt, unforcedTriggerAt };
}

describe('S-UNFORCED / S-TTL', () => {
  it('a non-forced scan at TTL - 1 min stays offline and at TTL + 1 min goes online', () => {
    const { engine, scannedAt, unforcedTriggerAt } = scannedClient();
    const inside = unforcedTriggerAt(scannedAt + DAY - MIN);
    expect(inside).toMatchObject({
      online: false,
      forced: false,
      reason: 'deployment',
      sup: -1,
      handshake: [],
    });
    const onlineBefore = engine.scans(0).filter((s) => s.action.online).length;
    const outside = unforcedTriggerAt(scannedAt + DAY + MIN);
    expect(outside).toMatchObject({ online: true, forced: false, reason: 'deployment' });
    expect(engine.scans(0).filter((s) => s.action.online)).toHaveLength(onlineBefore + 1);
  });

  it('goes online inside the TTL when policy announces a newer catalog version', () => {
    const fleet = fleetOf(1);
    const version = { v: 1 };
    const engine = new FakeEngine(fleet, {
      policy: () => ({
        kind: 'policy-result',
        ok: true,
        softwareUpdatesEnabled: true,
        catalogVersion: version.v,
        deploymentCount: 0,
      }),
      scan: () => ({ kind: 'scan-result', outcome: 'ok', catalogVersion: version.v, evaluatedCount: 30 }),
    });
    engine.runUntil(3 * HOUR);
    version.v = 2;
    engine.runUntil(6 * HOUR); // next polls see v2 -> scan within 2 h (T-FIRSTSCAN)
    const scans = engine.scans(0);
    expect(scans).toHaveLength(2);
    expect(scans[1]!.action).toMatchObject({ online: true, forced: false, reason: 'catalog', cold: false });
  });
});

describe('S-FORCED', () => {
  it('a forced scan always goes online, even right after an online scan', () => {
    const { engine, scannedAt } = scannedClient();
    engine.inject(0, { kind: 'force-scan' }, scannedAt + MIN);
    engine.runUntil(scannedAt + MIN);
    const last = engine.scans(0).at(-1)!;
    expect(last.at).toBe(scannedAt + MIN);
    expect(last.action).toMatchObject({ online: true, forced: true, reason: 'forced' });
  });

  it('resets the TTL: a non-forced scan 24 h + 1 min after the older scan stays offline', () => {
    const { engine, scannedAt, unforcedTriggerAt } = scannedClient();
    const forcedAt = scannedAt + 12 * HOUR;
    engine.inject(0, { kind: 'force-scan' }, forcedAt);
    engine.runUntil(forcedAt + HOUR);
    const forcedDoneAt = forcedAt + engine.latencyMs;
    expect(unforcedTriggerAt(scannedAt + DAY + MIN).online).toBe(false);
    expect(unforcedTriggerAt(forcedDoneAt + DAY + MIN).online).toBe(true);
  });
});

// The offline fallback of S-UNFORCED; S-FORCED-OFFLINE (the scans after an install and a restart) is
// tested with D-INSTALL in deployments.test.ts.
describe('S-UNFORCED offline fallback', () => {
  it('falls back to an offline scan on the cache when a non-forced scan cannot reach the SUP', () => {
    const { engine, scannedAt, fleet } = scannedClient();
    engine.replies.scan = () => ({ kind: 'scan-result', outcome: 'failed', failure: 'timeout' });
    fleet.catalog.addDeployment({ kind: 'available', startTime: 0, updates: [1000] });
    const at = scannedAt + DAY + MIN;
    engine.inject(
      0,
      {
        kind: 'policy-result',
        ok: true,
        softwareUpdatesEnabled: true,
        catalogVersion: 1,
        deploymentCount: 1,
      },
      at,
    );
    engine.runUntil(at + engine.latencyMs);
    const scans = engine.scans(0).filter((s) => s.at >= at);
    // Both are the same non-forced scan: online first, then the fallback on the cache.
    expect(scans.map((s) => [s.action.online, s.action.forced])).toEqual([
      [true, false],
      [false, false],
    ]);
  });
});
