// T-STATEMSG, M-BULK, M-SERIAL, M-FIRST, M-TOPIC.
import { describe, expect, it } from 'vitest';
import type { StateMessageBatch } from '../../harness/fleet/vocabulary.ts';
import { FakeEngine, HOUR, MIN } from './fake-engine.ts';
import { fleetOf } from './fixtures.ts';

function posts(engine: FakeEngine, client = 0): Array<{ at: number; batch: StateMessageBatch }> {
  return engine
    .actions('post-state-messages', client)
    .map((l) => ({ at: l.at, batch: (l.action as { batch: StateMessageBatch }).batch }));
}

const topics = (b: StateMessageBatch, topic: number) => [...b.topicType].filter((t) => t === topic).length;

/** A fresh client forced to rescan every `scanEveryMs` after its first scan, so every cycle has news. */
function busyClient(cycleMs?: number, scanEveryMs = 10 * MIN) {
  const fleet = fleetOf(1, cycleMs ? { timers: { stateMessageCycleMs: cycleMs } } : {});
  const engine = new FakeEngine(fleet);
  engine.runUntil(2 * HOUR);
  for (let t = 2 * HOUR; t < 6 * HOUR; t += scanEveryMs) engine.inject(0, { kind: 'force-scan' }, t);
  return { fleet, engine };
}

describe('T-STATEMSG / M-BULK / M-SERIAL', () => {
  it('sends one post per 15-min cycle with serials strictly increasing by one and no gaps', () => {
    const { engine } = busyClient();
    engine.runUntil(6 * HOUR);
    const sent = posts(engine);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent[0]!.batch.firstSerial).toBe(1);
    const fromBusy = sent.filter((p) => p.at > 2 * HOUR + 15 * MIN);
    for (let i = 1; i < fromBusy.length; i++) expect(fromBusy[i]!.at - fromBusy[i - 1]!.at).toBe(15 * MIN);
    for (let i = 1; i < sent.length; i++) {
      const prev = sent[i - 1]!.batch;
      expect(sent[i]!.batch.firstSerial).toBe(prev.firstSerial + prev.count);
      expect((sent[i]!.at - sent[0]!.at) % (15 * MIN)).toBe(0); // same phase, one per cycle
    }
  });

  it('the 2007 reporting cycle of 5 min is just a timer', () => {
    const { engine } = busyClient(5 * MIN, 5 * MIN);
    engine.runUntil(6 * HOUR);
    const busy = posts(engine).filter((p) => p.at > 2 * HOUR + 5 * MIN && p.at < 6 * HOUR);
    expect(busy.length).toBeGreaterThan(40);
    for (let i = 1; i < busy.length; i++) expect(busy[i]!.at - busy[i - 1]!.at).toBe(5 * MIN);
  });

  it('a post the engine could not deliver leaves a serial gap (the site detects the loss)', () => {
    const { engine, fleet } = busyClient();
    let failedOnce = false;
    engine.replies.post = (_c, now) => {
      if (failedOnce || now < 3 * HOUR) return true;
      failedOnce = true;
      return false;
    };
    engine.runUntil(6 * HOUR);
    const sent = posts(engine);
    const failed = sent.findIndex((p) => p.at >= 3 * HOUR);
    expect(fleet.counters.stateMessagesLost).toBe(sent[failed]!.batch.count);
    expect(sent[failed + 1]!.batch.firstSerial).toBe(
      sent[failed]!.batch.firstSerial + sent[failed]!.batch.count,
    );
  });

  it('does not cut a second post while one is in flight', () => {
    const fleet = fleetOf(1);
    const engine = new FakeEngine(fleet, {}, 20 * MIN); // slower than the cycle
    engine.runUntil(8 * HOUR);
    const sent = posts(engine);
    for (let i = 1; i < sent.length; i++)
      expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(20 * MIN);
  });
});

describe('M-FIRST / M-TOPIC', () => {
  it('the first scan emits one 500 per evaluated update; later scans only for changes', () => {
    const fleet = fleetOf(1);
    let evaluated = 30;
    const engine = new FakeEngine(fleet, {
      scan: () => ({ kind: 'scan-result', outcome: 'ok', catalogVersion: 1, evaluatedCount: evaluated }),
    });
    engine.runUntil(3 * HOUR);
    const first = posts(engine)[0]!.batch;
    expect(topics(first, 500)).toBe(30);
    expect(topics(first, 501)).toBe(1);
    const updates = [...first.update].filter((u) => u >= 0).sort((a, b) => a - b);
    expect(updates).toEqual(Array.from({ length: 30 }, (_, i) => 1000 + i));
    for (let i = 0; i < first.count; i++) {
      if (first.topicType[i] !== 500) continue;
      const u = first.update[i]!;
      // Not applicable (fixture: every third) -> 1 not required; applicable -> 2 required or 3 installed.
      if ((u - 1000) % 3 === 2) expect(first.stateId[i]).toBe(1);
      else expect([2, 3]).toContain(first.stateId[i]);
    }
    expect(first.stateId[first.topicType.indexOf(501)]).toBe(3);

    // A forced rescan with no change: a 501 only.
    engine.inject(0, { kind: 'force-scan' }, 4 * HOUR);
    engine.runUntil(5 * HOUR);
    const second = posts(engine)[1]!.batch;
    expect([topics(second, 500), topics(second, 501)]).toEqual([0, 1]);

    // Three updates appear in the catalog: the next scan reports exactly those.
    const table = fleet.catalog.table(0);
    for (const u of [2000, 2001, 2002]) table.add(u, true);
    evaluated = 33;
    engine.inject(0, { kind: 'force-scan' }, 6 * HOUR);
    engine.runUntil(7 * HOUR);
    const third = posts(engine)[2]!.batch;
    expect(topics(third, 500)).toBe(3);
    expect([...third.update].filter((u) => u >= 0).sort()).toEqual([2000, 2001, 2002]);
  });

  it('a failed scan reports topic 501 state 5', () => {
    const fleet = fleetOf(1);
    const engine = new FakeEngine(fleet, {
      scan: () => ({ kind: 'scan-result', outcome: 'failed', failure: 'timeout' }),
    });
    engine.runUntil(3 * HOUR);
    const batch = posts(engine)[0]!.batch;
    expect([...batch.topicType]).toEqual([501]);
    expect([...batch.stateId]).toEqual([5]);
  });
});
