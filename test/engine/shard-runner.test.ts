import { describe, expect, it } from 'vitest';
import type { Behaviour, ClientEvent, HttpAction } from '../../harness/engine/behaviour.ts';
import { ManualClock } from '../../harness/engine/clock.ts';
import { type RequestSender, ShardRunner } from '../../harness/engine/shard-runner.ts';
import type { TransportCallback, TransportRequest } from '../../harness/engine/transport.ts';
import { decodeHistogram, percentileMs } from '../../harness/metrics/histogram.ts';
import { MetricsRecorder } from '../../harness/metrics/recorder.ts';

/** Holds requests until the test answers them. */
class FakeSender implements RequestSender {
  pending: { req: TransportRequest; done: TransportCallback }[] = [];
  get inFlight() {
    return this.pending.length;
  }
  send(req: TransportRequest, done: TransportCallback) {
    this.pending.push({ req, done });
  }
  abortAll() {
    for (const p of this.pending.splice(0)) {
      p.done({ ok: false, kind: 'aborted', message: 'aborted', bytesOut: 0, retried: false });
    }
  }
  reply(status = 200, body = 'ok') {
    const p = this.pending.shift()!;
    p.done({
      ok: true,
      status,
      headers: {},
      body: new TextEncoder().encode(body),
      bytesIn: 100,
      bytesOut: 50,
      retried: false,
    });
  }
}

const get = (operation: string): HttpAction => ({ operation, origin: 'http://x', method: 'GET', path: '/' });

function setup(behaviour: Behaviour, clients = 3, options: { maxInFlight?: number } = {}) {
  const clock = new ManualClock({ virtualStart: 0, wallStart: 0, speed: 10 });
  const sender = new FakeSender();
  const recorder = new MetricsRecorder(0);
  const errors: Error[] = [];
  const runner = new ShardRunner({
    clock,
    behaviour,
    clients,
    activationTime: (c) => c * 100,
    sender,
    recorder,
    onError: (e) => errors.push(e),
    ...options,
  });
  return { clock, sender, recorder, runner, errors };
}

describe('ShardRunner', () => {
  it('activates clients at their ramp-up time with start, then wakes them at the scheduled time', () => {
    const log: string[] = [];
    const { clock, runner } = setup({
      step(c, e, now) {
        log.push(`${c}:${e.kind}@${now}`);
        return { wakeAt: now + 1000 };
      },
    });
    expect(runner.runDue()).toBe(1); // client 0 activates at 0
    clock.set(250);
    runner.runDue();
    clock.set(1150);
    runner.runDue();
    expect(log).toEqual(['0:start@0', '1:start@100', '2:start@200', '0:wake@1000', '1:wake@1100']);
    expect(runner.activeClients).toBe(3);
  });

  it('passes the scheduled time, not the late pop time, and records lateness and latency from it', () => {
    const { clock, sender, recorder, runner } = setup(
      {
        step: (_c, e) => (e.kind === 'start' ? { actions: [get('op')], wakeAt: null } : {}),
      },
      1,
    );
    // Generator 2 virtual s late = 200 wall ms at speed 10.
    clock.set(2000);
    runner.runDue();
    expect(sender.inFlight).toBe(1);
    clock.advance(500); // the reply takes 50 wall ms more
    sender.reply();
    const d = recorder.takeDelta(0, 0, { inFlight: 0, scheduledClients: 0, activeClients: 1, gauges: {} });
    expect(d.sent).toBe(1);
    expect(percentileMs(decodeHistogram(d.lateness!), 100)).toBeCloseTo(200, 0);
    expect(percentileMs(decodeHistogram(d.operations.op!.latency!), 100)).toBeCloseTo(250, 0);
    expect(d.operations.op).toMatchObject({ requests: 1, bytesIn: 100, bytesOut: 50, errors: {} });
  });

  it('feeds replies back to the client, which chains its next request', () => {
    const events: ClientEvent['kind'][] = [];
    const { clock, sender, recorder, runner } = setup(
      {
        step(_c, e) {
          events.push(e.kind);
          if (e.kind === 'start') return { actions: [get('first')] };
          if (e.kind === 'reply' && e.action.operation === 'first') return { actions: [get('second')] };
          return {};
        },
      },
      1,
    );
    runner.runDue();
    clock.advance(10);
    sender.reply(500, '<s:Fault><detail><ErrorCode>CookieExpired</ErrorCode></detail></s:Fault>');
    expect(sender.pending.map((p) => p.req.path && (p.req as HttpAction).operation)).toEqual(['second']);
    sender.reply();
    expect(events).toEqual(['start', 'reply', 'reply']);
    const d = recorder.takeDelta(0, 0, { inFlight: 0, scheduledClients: 0, activeClients: 1, gauges: {} });
    expect(d.operations.first!.errors).toEqual({ 'soap:CookieExpired': 1 });
  });

  it('counts a reply the behaviour cannot use as its error kind, a status error keeps its own', () => {
    const { clock, sender, recorder, runner } = setup(
      {
        step(_c, e) {
          if (e.kind === 'start') return { actions: [get('op'), get('op'), get('op')] };
          if (e.kind === 'reply')
            return Buffer.from(e.reply.body).toString() === 'ok' ? {} : { unusableReply: 'malformed-xml' };
          return {};
        },
      },
      1,
    );
    runner.runDue();
    clock.advance(10);
    sender.reply(200, 'garbage');
    sender.reply(200, 'ok');
    sender.reply(503, 'garbage');
    const d = recorder.takeDelta(0, 0, { inFlight: 0, scheduledClients: 0, activeClients: 1, gauges: {} });
    expect(d.operations.op).toMatchObject({ requests: 3, errors: { 'malformed-xml': 1, 'http-5xx': 1 } });
  });

  it('still reads (and counts) a reply that arrives while stopping, but sends nothing after it', () => {
    const { clock, sender, recorder, runner } = setup(
      {
        step(_c, e) {
          if (e.kind === 'start') return { actions: [get('op')] };
          return { actions: [get('next')], unusableReply: 'refused-xml' };
        },
      },
      1,
    );
    runner.runDue();
    clock.advance(10);
    runner.stop();
    sender.reply(200, '<!DOCTYPE x>');
    expect(sender.pending).toHaveLength(0);
    const d = recorder.takeDelta(0, 0, { inFlight: 0, scheduledClients: 0, activeClients: 1, gauges: {} });
    expect(d.operations.op!.errors).toEqual({ 'refused-xml': 1 });
  });

  it('skips and counts requests over the in-flight limit and tells the client', () => {
    const failures: string[] = [];
    const { sender, recorder, runner } = setup(
      {
        step(c, e) {
          if (e.kind === 'failure') failures.push(`${c}:${e.error}`);
          return e.kind === 'start' ? { actions: [get('op'), get('op')] } : {};
        },
      },
      1,
      { maxInFlight: 1 },
    );
    runner.runDue();
    expect(sender.inFlight).toBe(1);
    runner.runDue(); // delivers the deferred skip notification
    expect(failures).toEqual(['0:skipped']);
    const d = recorder.takeDelta(0, 0, { inFlight: 1, scheduledClients: 0, activeClients: 1, gauges: {} });
    expect(d.skipped).toEqual({ 'in-flight-limit': 1 });
  });

  it('never builds the body of a request it skips (an overloaded run does no encoding for nothing)', () => {
    let builds = 0;
    const lazy = (): HttpAction => ({
      ...get('op'),
      method: 'POST',
      body: () => {
        builds++;
        return new Uint8Array(1);
      },
    });
    const { sender, runner } = setup(
      { step: (_c, e) => (e.kind === 'start' ? { actions: [lazy(), lazy()] } : {}) },
      1,
      {
        maxInFlight: 1,
      },
    );
    runner.runDue();
    runner.runDue();
    expect(sender.inFlight).toBe(1);
    // The fake sender stands in for the transport, which is where a body is built: nothing was built here.
    expect(builds).toBe(0);
  });

  it('wakeAt null unschedules, undefined keeps the current wake-up', () => {
    const { clock, runner } = setup(
      {
        step: (c, e, now) => (e.kind === 'start' ? { wakeAt: c === 0 ? null : now + 500 } : {}),
      },
      2,
    );
    clock.set(100);
    runner.runDue();
    expect(runner.heap.has(0)).toBe(false);
    expect(runner.heap.keyOf(1)).toBe(600);
  });

  it('stops scheduling on stop and aborts what is still in flight at the drain deadline', async () => {
    const { sender, runner } = setup({ step: () => ({ actions: [get('op')] }) }, 1);
    runner.runDue();
    expect(sender.inFlight).toBe(1);
    await runner.drain(30);
    expect(sender.inFlight).toBe(0);
    expect(runner.runDue()).toBe(0);
  });

  it('reports a throwing behaviour with client, event and time', () => {
    const { runner } = setup(
      {
        step() {
          throw new Error('boom');
        },
      },
      1,
    );
    expect(() => runner.runDue()).toThrow(/client 0 on 'start' at 1970-01-01T00:00:00.000Z: boom/);
  });
});
