// D-POLICY, D-REQUIRED, T-DEADLINE, D-MW, D-INSTALL, S-FORCED-OFFLINE.
import { describe, expect, it } from 'vitest';
import { Detection, detectionAt } from '../../harness/fleet/compliance.ts';
import type { FleetConfigInput } from '../../harness/fleet/config.ts';
import type { Fleet } from '../../harness/fleet/fleet.ts';
import type { FleetDeployment } from '../../harness/fleet/catalog-view.ts';
import { nextInstallStart } from '../../harness/fleet/maintenance-window.ts';
import type { FleetAction, StateMessageBatch } from '../../harness/fleet/vocabulary.ts';
import { DAY, FakeEngine, HOUR, MIN } from './fake-engine.ts';
import { fleetOf } from './fixtures.ts';

/** Warm clients whose policy starts reporting `deployment` at `publishAt`. */
function withDeployment(
  n: number,
  deployment: FleetDeployment,
  publishAt: number,
  input: Partial<FleetConfigInput> = {},
) {
  const fleet = fleetOf(n, { start: 'warm', ...input });
  const engine = new FakeEngine(fleet, {
    policy: (_c, now) => ({
      kind: 'policy-result',
      ok: true,
      softwareUpdatesEnabled: true,
      catalogVersion: 1,
      deploymentCount: now >= publishAt ? 1 : 0,
    }),
  });
  fleet.catalog.addDeployment(deployment);
  return { fleet, engine };
}

/** Deployed updates of client 0 by their evaluated state (warm clients evaluated the whole table). */
function statesOf(fleet: Fleet, updates: readonly number[]) {
  const c = fleet.client(0);
  const table = fleet.catalog.table(c.machine);
  const by = (state: number) =>
    updates.filter((u) => detectionAt(c.compliance, table.positionOf(u)!) === state);
  return {
    required: by(Detection.Required),
    installed: by(Detection.Installed),
    notRequired: by(Detection.NotRequired),
  };
}

const ALL_UPDATES = Array.from({ length: 30 }, (_, i) => 1000 + i);
const batches = (engine: FakeEngine) =>
  engine
    .actions('post-state-messages', 0)
    .map((l) => ({ at: l.at, batch: (l.action as { batch: StateMessageBatch }).batch }));
/** T-POSTINSTALL: the first post at or after `from`, which must leave within 2 min. */
function firstPostFrom(engine: FakeEngine, from: number) {
  const post = batches(engine).find((b) => b.at >= from);
  expect(post, `a post after ${from}`).toBeDefined();
  expect(post!.at - from).toBeLessThanOrEqual(2 * MIN);
  return post!;
}
const messages = (b: StateMessageBatch, topic: number) =>
  [...b.topicType].flatMap((t, i) => (t === topic ? [{ update: b.update[i]!, state: b.stateId[i]! }] : []));

describe('D-POLICY', () => {
  it('a deployment seen at the next poll triggers an immediate non-forced scan', () => {
    const { engine } = withDeployment(1, { kind: 'available', startTime: 0, updates: ALL_UPDATES }, HOUR);
    engine.runUntil(3 * HOUR);
    const firstPollAfter = engine.actions('policy-poll', 0).find((p) => p.at >= HOUR)!;
    const scans = engine.scans(0);
    expect(scans).toHaveLength(1);
    expect(scans[0]!.at).toBe(firstPollAfter.at + engine.latencyMs);
    expect(scans[0]!.action).toMatchObject({ reason: 'deployment', forced: false });
  });
});

describe('D-REQUIRED', () => {
  it('required: downloads only the applicable, still required files, right after the scan', () => {
    const { fleet, engine } = withDeployment(
      1,
      { kind: 'required', startTime: 0, deadline: 5 * DAY, updates: ALL_UPDATES },
      0,
    );
    const { required, installed, notRequired } = statesOf(fleet, ALL_UPDATES);
    expect(required.length).toBeGreaterThan(0);
    expect(installed.length).toBeGreaterThan(0);
    expect(notRequired.length).toBeGreaterThan(0);
    engine.runUntil(2 * HOUR);
    const downloads = engine.actions('download', 0);
    expect(downloads).toHaveLength(1);
    expect((downloads[0]!.action as { updates: number[] }).updates.sort()).toEqual(required.sort());
    const scan = engine.scans(0)[0]!;
    expect(downloads[0]!.at).toBe(scan.action.online ? scan.at + engine.latencyMs : scan.at);
  });

  it('available: no download until the user starts the install', () => {
    const { fleet, engine } = withDeployment(1, { kind: 'available', startTime: 0, updates: ALL_UPDATES }, 0);
    const { required } = statesOf(fleet, ALL_UPDATES);
    engine.runUntil(6 * HOUR);
    expect(engine.actions('download', 0)).toHaveLength(0);
    engine.inject(0, { kind: 'user-install', deployment: 0 }, 6 * HOUR);
    engine.runUntil(7 * HOUR);
    const downloads = engine.actions('download', 0);
    expect(downloads.map((d) => d.at)).toEqual([6 * HOUR]);
    expect((downloads[0]!.action as { updates: number[] }).updates.sort()).toEqual(required.sort());
    expect(engine.actions('install', 0)).toHaveLength(1); // no deadline: the pre-install scan, then install
    expect(statesOf(fleet, ALL_UPDATES).required).toEqual([]);
  });
});

describe('T-DEADLINE', () => {
  const deadline = DAY + 10 * HOUR;
  const deployment: FleetDeployment = { kind: 'required', startTime: 0, deadline, updates: ALL_UPDATES };
  const deadlineScans = (engine: FakeEngine) => engine.scans().filter((s) => s.action.reason === 'deadline');

  it('starts deadline scans up to 120 min after the deadline, randomised per client', () => {
    const { engine } = withDeployment(300, deployment, 0);
    engine.runUntil(deadline + 3 * HOUR);
    const offsets = deadlineScans(engine).map((s) => s.at - deadline);
    expect(offsets.length).toBeGreaterThan(250); // the few without a required update have nothing to do
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(120 * MIN);
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeGreaterThan(60 * MIN);
    expect(deadlineScans(engine).every((s) => !s.action.forced)).toBe(true);
  });

  it('without randomisation every client starts at the deadline', () => {
    const { engine } = withDeployment(50, deployment, 0, { timers: { deadlineRandomMs: 0 } });
    engine.runUntil(deadline + 3 * HOUR);
    expect(new Set(deadlineScans(engine).map((s) => s.at))).toEqual(new Set([deadline]));
  });
});

describe('D-MW', () => {
  it('finds the next window with room for max run time + 15 min', () => {
    const window = { weight: 1, periodMs: DAY, offsetMs: 2 * HOUR, durationMs: HOUR };
    const needed = 35 * MIN;
    expect(nextInstallStart(undefined, 5 * HOUR, needed)).toBe(5 * HOUR);
    expect(nextInstallStart(window, 2 * HOUR + 25 * MIN, needed)).toBe(2 * HOUR + 25 * MIN);
    expect(nextInstallStart(window, 2 * HOUR + 26 * MIN, needed)).toBe(DAY + 2 * HOUR);
    expect(nextInstallStart(window, 10 * HOUR, needed)).toBe(DAY + 2 * HOUR);
    expect(nextInstallStart({ ...window, durationMs: 30 * MIN }, 0, needed)).toBe(Infinity);
  });

  const deadline = DAY + 10 * HOUR;
  const deployment: FleetDeployment = { kind: 'required', startTime: 0, deadline, updates: ALL_UPDATES };
  const withWindow = (durationMs: number) =>
    withDeployment(1, deployment, 0, {
      timers: { deadlineRandomMs: 0 },
      noWindowWeight: 0,
      maintenanceWindows: [{ weight: 1, periodMs: DAY, offsetMs: 2 * HOUR, durationMs }],
    });

  it('an install at the deadline waits for the next window that is large enough', () => {
    const { engine, fleet } = withWindow(HOUR);
    engine.runUntil(3 * DAY);
    expect(engine.actions('install', 0).map((i) => i.at)).toEqual([2 * DAY + 2 * HOUR]);
    expect(fleet.client(0).requiredCount).toBe(0);
  });

  it('a window shorter than max run time + 15 min never takes the install', () => {
    const { engine, fleet } = withWindow(30 * MIN);
    engine.runUntil(5 * DAY);
    expect(engine.actions('install', 0)).toHaveLength(0);
    expect(fleet.gauges(5 * DAY).byActivity['waiting-window']).toBe(1);
  });
});

describe('D-INSTALL / S-FORCED-OFFLINE / T-POSTINSTALL', () => {
  const deadline = DAY;
  const run = (restart: boolean) => {
    // Fixture: updates 1000 + 4k need a restart. Deploy required updates with or without one.
    const probe = withDeployment(1, { kind: 'available', startTime: 0, updates: [] }, 0);
    const required = statesOf(probe.fleet, ALL_UPDATES).required.filter(
      (u) => ((u - 1000) % 4 === 0) === restart,
    );
    expect(required.length).toBeGreaterThan(0);
    const { engine, fleet } = withDeployment(
      1,
      { kind: 'required', startTime: 0, deadline, updates: required },
      0,
      {
        timers: { deadlineRandomMs: 0 },
      },
    );
    engine.runUntil(deadline + 6 * HOUR);
    return { engine, fleet, required };
  };
  const kinds = (engine: FakeEngine, from: number): Array<[number, FleetAction['kind'], string?]> =>
    engine.log
      .filter((l) => l.at >= from && l.action.kind !== 'policy-poll')
      .map((l) => [
        l.at - from,
        l.action.kind,
        l.action.kind === 'scan'
          ? `${l.action.reason}/${l.action.online ? 'online' : 'offline'}/${l.action.forced ? 'forced' : 'unforced'}`
          : undefined,
      ]);

  it('install -> forced offline scan -> 402 pending restart + 500 installed within 2 min -> restart -> offline scan -> 402 installed', () => {
    const { engine, fleet, required } = run(true);
    const install = engine.actions('install', 0)[0]!;
    const duration = (install.action as { durationMs: number }).durationMs;
    expect(duration).toBe(required.length * fleet.config.timers.installMsPerUpdate);
    const end = install.at + duration;
    const restartAt = end + fleet.config.timers.restartCountdownMs;
    const after = kinds(engine, install.at);
    expect(after).toEqual(
      expect.arrayContaining([
        [duration, 'scan', 'post-install/offline/forced'],
        [restartAt - install.at, 'restart', undefined],
        [restartAt + 3 * MIN - install.at, 'scan', 'post-restart/offline/forced'],
      ]),
    );
    // S-FORCED-OFFLINE: nothing reaches the SUP after the install.
    expect(engine.scans(0).filter((s) => s.at > install.at && s.action.online)).toHaveLength(0);
    const afterInstall = firstPostFrom(engine, end);
    const afterRestart = firstPostFrom(engine, restartAt + 3 * MIN);
    expect(messages(afterInstall!.batch, 402)).toEqual(
      expect.arrayContaining(required.map((u) => ({ update: u, state: 9 }))),
    );
    expect(messages(afterInstall!.batch, 500)).toEqual(
      expect.arrayContaining(required.map((u) => ({ update: u, state: 3 }))),
    );
    expect(messages(afterInstall!.batch, 500)).toHaveLength(required.length);
    expect(messages(afterRestart!.batch, 402)).toEqual(
      expect.arrayContaining(required.map((u) => ({ update: u, state: 10 }))),
    );
    expect(fleet.gauges(engine.now).byActivity.idle).toBe(1);
  });

  it('without a restart: 402 installed, no restart', () => {
    const { engine, required } = run(false);
    const install = engine.actions('install', 0)[0]!;
    expect(engine.actions('restart', 0)).toHaveLength(0);
    const end = install.at + (install.action as { durationMs: number }).durationMs;
    const afterInstall = firstPostFrom(engine, end);
    expect(messages(afterInstall!.batch, 402)).toEqual(required.map((u) => ({ update: u, state: 10 })));
  });
});
