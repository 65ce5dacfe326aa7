// M-TOPIC for deployments: topic 402 per deployed update (12 downloading, 13 downloaded, 14 download
// failed, 11 failed, 9 pending restart, 10 installed), topic 301 per deployment (7, 8, 9, 6, 5, 4) and
// topic 300 when the deployment's compliance changes (2 non-compliant, 1 compliant). D-INSTALL.
import { describe, expect, it } from 'vitest';
import { Detection, detectionAt } from '../../harness/fleet/compliance.ts';
import type { FleetDeployment } from '../../harness/fleet/catalog-view.ts';
import type { FleetConfigInput } from '../../harness/fleet/config.ts';
import type { StateMessageBatch } from '../../harness/fleet/vocabulary.ts';
import { DAY, FakeEngine, HOUR } from './fake-engine.ts';
import { fleetOf } from './fixtures.ts';

const ALL_UPDATES = Array.from({ length: 30 }, (_, i) => 1000 + i);

interface Sent {
  at: number;
  serial: number;
  topic: number;
  ref: number;
  state: number;
}

/** Every message client 0 posted, flattened in serial order. */
function sent(engine: FakeEngine, client = 0): Sent[] {
  return engine.actions('post-state-messages', client).flatMap((l) => {
    const b = (l.action as { batch: StateMessageBatch }).batch;
    return [...b.topicType].map((topic, i) => ({
      at: l.at,
      serial: b.firstSerial + i,
      topic,
      ref: b.update[i]!,
      state: b.stateId[i]!,
    }));
  });
}

const statesOf = (messages: Sent[], topic: number, ref?: number) =>
  messages.filter((m) => m.topic === topic && (ref === undefined || m.ref === ref)).map((m) => m.state);

/** One warm client that receives `deployment` (index 0) from its first poll on. */
function oneClient(
  deployment: FleetDeployment,
  input: Partial<FleetConfigInput> = {},
  download: () => boolean = () => true,
) {
  const fleet = fleetOf(1, { start: 'warm', timers: { deadlineRandomMs: 0 }, ...input });
  const engine = new FakeEngine(fleet, { download });
  fleet.catalog.addDeployment(deployment);
  return { fleet, engine };
}

/** The deployed updates client 0 evaluated as Required before anything ran. */
function requiredOf(fleet: ReturnType<typeof fleetOf>, updates: readonly number[]): number[] {
  const c = fleet.client(0);
  const table = fleet.catalog.table(c.machine);
  return updates.filter((u) => detectionAt(c.compliance, table.positionOf(u)!) === Detection.Required);
}

describe('deployment state messages (300 / 301 / 402)', () => {
  it('required deployment with a restart: 300 non-compliant, 402/301 downloaded, pending restart, installed, 300 compliant', () => {
    const deadline = DAY;
    const probe = oneClient({ kind: 'available', startTime: 0, updates: [] });
    const required = requiredOf(probe.fleet, ALL_UPDATES).filter((u) => (u - 1000) % 4 === 0);
    expect(required.length).toBeGreaterThan(0);
    const { engine } = oneClient({ kind: 'required', startTime: 0, deadline, updates: required });
    engine.runUntil(deadline + 6 * HOUR);
    const messages = sent(engine);

    // 300 for deployment 0: non-compliant after the deployment scan, compliant only after the restart.
    expect(statesOf(messages, 300, 0)).toEqual([2, 1]);
    // 301: downloading and downloaded collapse into one cycle (latest wins), then pending restart,
    // then success after the restart.
    expect(statesOf(messages, 301, 0)).toEqual([8, 5, 4]);
    // 402 for each deployed update: downloaded, pending restart, installed.
    for (const u of required) expect(statesOf(messages, 402, u)).toEqual([13, 9, 10]);

    const restart = engine.actions('restart', 0)[0]!;
    const compliant = messages.find((m) => m.topic === 300 && m.state === 1)!;
    expect(compliant.at).toBeGreaterThan(restart.at);
    // Within a report a deployment's 300 precedes its 301 (the higher serial is the newer state).
    const last301 = messages.filter((m) => m.topic === 301).at(-1)!;
    if (last301.at === compliant.at) expect(compliant.serial).toBeLessThan(last301.serial);
  });

  it('reports 12 downloading while the download is in flight at the reporting cycle', () => {
    const probe = oneClient({ kind: 'available', startTime: 0, updates: [] });
    const required = requiredOf(probe.fleet, ALL_UPDATES);
    // A download that takes longer than a reporting cycle: the cycle reports downloading.
    const fleet = fleetOf(1, { start: 'warm', timers: { deadlineRandomMs: 0 } });
    const engine = new FakeEngine(fleet, {}, 20 * 60_000);
    fleet.catalog.addDeployment({ kind: 'required', startTime: 0, deadline: DAY, updates: required });
    engine.runUntil(DAY);
    const messages = sent(engine);
    expect(statesOf(messages, 301, 0).slice(0, 2)).toEqual([7, 8]);
    expect(statesOf(messages, 402, required[0]).slice(0, 2)).toEqual([12, 13]);
  });

  it('a failed download reports 402 state 14 and 301 state 9, then downloaded once it works', () => {
    let attempts = 0;
    const { engine } = oneClient(
      { kind: 'required', startTime: 0, deadline: DAY, updates: ALL_UPDATES },
      { timers: { deadlineRandomMs: 0, downloadRetryMs: 2 * HOUR } },
      () => ++attempts > 1,
    );
    engine.runUntil(DAY - HOUR);
    const messages = sent(engine);
    expect(statesOf(messages, 301, 0)).toEqual([9, 8]);
    const u = messages.find((m) => m.topic === 402)!.ref;
    expect(statesOf(messages, 402, u)).toEqual([14, 13]);
  });

  it('installFailureRate 1: 402 failed (11) and 301 failed install (6); the updates stay required', () => {
    const { engine, fleet } = oneClient(
      { kind: 'required', startTime: 0, deadline: DAY, updates: ALL_UPDATES },
      { installFailureRate: 1 },
    );
    const required = requiredOf(fleet, ALL_UPDATES);
    engine.runUntil(DAY + 6 * HOUR);
    const messages = sent(engine);
    expect(statesOf(messages, 301, 0)).toEqual([8, 6]);
    for (const u of required) expect(statesOf(messages, 402, u)).toEqual([13, 11]);
    expect(statesOf(messages, 300, 0)).toEqual([2]);
    expect(requiredOf(fleet, ALL_UPDATES)).toEqual(required);
    expect(statesOf(messages, 500).filter((s) => s === Detection.Installed)).toHaveLength(0);
  });

  it('a client for which the deployment requires nothing reports 300 compliant and no 301', () => {
    const probe = oneClient({ kind: 'available', startTime: 0, updates: [] });
    const notRequired = ALL_UPDATES.filter((u) => !requiredOf(probe.fleet, ALL_UPDATES).includes(u));
    const { engine } = oneClient({ kind: 'required', startTime: 0, deadline: DAY, updates: notRequired });
    engine.runUntil(DAY + 6 * HOUR);
    const messages = sent(engine);
    expect(statesOf(messages, 300, 0)).toEqual([1]);
    expect(statesOf(messages, 301)).toEqual([]);
    expect(statesOf(messages, 402)).toEqual([]);
  });

  it('refuses an installFailureRate outside [0, 1], naming the field', () => {
    expect(() => fleetOf(1, { installFailureRate: 1.5 })).toThrow(/installFailureRate = 1.5.*\[0, 1\]/);
  });
});
