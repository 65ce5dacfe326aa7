// The shard runner's own timer loop on the real clock (the other runner tests drive runDue by hand):
// clients due less than a timer tick apart must not make it spin on empty turns, a long stretch with
// nothing due must cost no turns, and every client is still handled close to its due time.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScaledClock, wallNow } from '../../harness/engine/clock.ts';
import { type RequestSender, ShardRunner } from '../../harness/engine/shard-runner.ts';
import { MetricsRecorder } from '../../harness/metrics/recorder.ts';

/** Clients in each burst, due SPACING_MS apart (less than the 1 ms a timer can wait). */
const PER_BURST = 300;
const SPACING_MS = 0.5;
/** Nothing due between the bursts for this long. */
const GAP_MS = 150;
/** Room for the test's own start-up before the first client is due. */
const FIRST_DUE_MS = 50;

/** No client sends anything here: the loop itself is under test. */
const noSender: RequestSender = {
  send: () => {
    throw new Error('nothing should be sent');
  },
  inFlight: 0,
  abortAll: () => {},
};

/** Virtual due time of client c (speed 1, virtual 0 = the clock's start: virtual ms are wall ms). */
function dueAt(c: number): number {
  const burst = c < PER_BURST ? 0 : 1;
  return FIRST_DUE_MS + (c - burst * PER_BURST) * SPACING_MS + burst * (PER_BURST * SPACING_MS + GAP_MS);
}

afterEach(() => {
  vi.restoreAllMocks();
});

async function runLoop() {
  const clients = 2 * PER_BURST;
  const clock = ScaledClock.startingNow(1, 0);
  const lateness: number[] = [];
  const errors: Error[] = [];
  const runner = new ShardRunner({
    clock,
    clients,
    activationTime: dueAt,
    behaviour: {
      step(_client, _event, now) {
        lateness.push(clock.now() - now);
        return { wakeAt: null };
      },
    },
    sender: noSender,
    recorder: new MetricsRecorder(0),
    onError: (e) => errors.push(e),
  });
  // Every turn of the loop is one runDue call: count them, when they ran, and the empty ones.
  const turns: { at: number; handled: number }[] = [];
  const runDue = runner.runDue.bind(runner);
  runner.runDue = (limit?: number) => {
    const handled = runDue(limit);
    turns.push({ at: clock.now(), handled });
    return handled;
  };
  // Every sleep the loop asks for (its callback is the private arrow field #loop), beside how far away
  // the next due client was then. The test waits with timers/promises, which does not come through here.
  const sleeps: { delayMs: number; untilDueMs: number }[] = [];
  const realSetTimeout = globalThis.setTimeout;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, delayMs: number) => {
    if (fn.name === '#loop') {
      sleeps.push({ delayMs, untilDueMs: clock.toWall(runner.heap.peekKey()) - clock.wallNow() });
    }
    return realSetTimeout(fn, delayMs);
  }) as typeof setTimeout);
  const started = wallNow();
  runner.start();
  while (lateness.length < clients && wallNow() - started < 5000) await sleep(20);
  runner.stop();
  vi.restoreAllMocks();
  return { clients, lateness, turns, sleeps, errors };
}

describe('ShardRunner timer loop (real clock)', () => {
  it('does not spin on clients due microseconds apart or on a gap, and handles each on time', async () => {
    const { clients, lateness, turns, sleeps, errors } = await runLoop();
    expect(errors).toEqual([]);
    expect(lateness).toHaveLength(clients);

    const busy = turns.filter((t) => t.handled > 0).length;
    const empty = turns.length - busy;
    const sorted = [...lateness].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    console.log(
      `${clients} clients: ${busy} turns handled some, ${empty} were empty; ${sleeps.length} timer sleeps; ` +
        `lateness median ${median.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    // After an empty turn the loop sleeps one timer tick, so empty turns can't outnumber the busy ones
    // by much; spinning on setImmediate makes dozens of empty turns per 0.5 ms gap.
    expect(empty).toBeLessThanOrEqual(2 * busy + 10);

    // The gap: after the first burst is done, the loop sleeps until the second one is due.
    const firstBurstDone = dueAt(PER_BURST - 1);
    const secondBurstDue = dueAt(PER_BURST);
    const inGap = turns.filter((t) => t.at > firstBurstDone + 5 && t.at < secondBurstDue - 5);
    expect(inGap.length).toBeLessThanOrEqual(2);

    // Bounded lateness by construction: no sleep is longer than the way to the next due client, or
    // one timer tick (1 ms) when that is closer. This holds however busy the machine is...
    expect(sleeps.length).toBeGreaterThan(0);
    for (const s of sleeps) expect(s.delayMs).toBeLessThanOrEqual(Math.max(1, s.untilDueMs) + 0.5);
    // ...and what the clients saw: typically a timer tick. The median only, as a machine busy with
    // other work stalls the whole process now and then.
    expect(sorted[0]).toBeGreaterThanOrEqual(0);
    expect(median).toBeLessThan(50);
  });
});
