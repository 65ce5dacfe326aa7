// One shard's run loop: pops due clients off the wake heap, asks the behaviour what they do, sends
// the requests through the transport and feeds replies back. Open model: a request's intended send
// time is when its client was due (or when the reply it follows arrived), latency is measured from
// there, and the delay between intended and actual send is recorded as generator lateness. Nothing
// waits for the server before the next client's turn.
//
// The loop is driven by one timer (or setImmediate while clients are overdue), never one per client.
// Tests drive it by hand with a ManualClock and `runDue()`.
import type { MetricsRecorder } from '../metrics/recorder.ts';
import type { SkipReason } from '../metrics/schema.ts';
import type { Behaviour, ClientEvent, Decision, HttpAction } from './behaviour.ts';
import type { VirtualClock } from './clock.ts';
import { replyErrorKind } from '../client/reply-errors.ts';
import { MAX_IN_FLIGHT } from './send-limits.ts';
import type { TransportCallback, TransportRequest } from './transport.ts';
import { WakeHeap } from './wake-heap.ts';

/** What the runner needs of a transport (the real one, or a fake in tests). */
export interface RequestSender {
  send(req: TransportRequest, done: TransportCallback): void;
  readonly inFlight: number;
  abortAll(reason?: string): void;
}

export interface ShardRunnerOptions {
  clock: VirtualClock;
  behaviour: Behaviour;
  /** Clients in this shard (local indices 0..clients-1). */
  clients: number;
  /** Virtual time of each client's first turn (its 'start' event): the ramp-up. */
  activationTime(local: number): number;
  sender: RequestSender;
  recorder: MetricsRecorder;
  /** Requests in flight above this are not sent but skipped and counted (bounded memory). */
  maxInFlight?: number;
  /** Due clients handled before yielding to I/O (keeps replies flowing while a backlog drains). */
  batchSize?: number;
  /** A behaviour that throws is a bug: the run stops and says which client and event. */
  onError(error: Error): void;
}

/** Longest the loop sleeps before re-checking the heap, wall ms. */
const MAX_SLEEP_MS = 1000;

export class ShardRunner {
  readonly heap: WakeHeap;
  readonly #o: Required<ShardRunnerOptions>;
  /** started[c] = 1 once the client had its 'start' turn. One byte per client. */
  readonly #started: Uint8Array;
  #active = 0;
  #stopping = false;
  /** True once start() was called: the runner arms its own timers (tests drive runDue by hand). */
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  /** Virtual time the armed timer fires at (+Infinity when none). */
  #armedAt = Number.POSITIVE_INFINITY;
  /** The last timer-driven turn found no client due (the next one is less than a timer tick away). */
  #idleTurn = false;
  /** Skipped-action notifications, delivered on the next turn to avoid unbounded recursion. */
  #deferred: { client: number; event: ClientEvent; now: number }[] = [];

  constructor(options: ShardRunnerOptions) {
    this.#o = { maxInFlight: MAX_IN_FLIGHT.default, batchSize: 512, ...options };
    this.heap = new WakeHeap(options.clients);
    this.#started = new Uint8Array(options.clients);
    for (let c = 0; c < options.clients; c++) this.heap.schedule(c, options.activationTime(c));
  }

  /** Clients that have had their first turn. */
  get activeClients(): number {
    return this.#active;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Handles up to `limit` clients that are due at the clock's current time; returns how many. */
  runDue(limit = Number.POSITIVE_INFINITY): number {
    this.#flushDeferred();
    const { clock, behaviour } = this.#o;
    const now = clock.now();
    let handled = 0;
    while (handled < limit && !this.#stopping && this.heap.peekKey() <= now) {
      const client = this.heap.pop();
      const due = this.heap.lastKey(client);
      let event: ClientEvent = WAKE;
      if (this.#started[client] === 0) {
        this.#started[client] = 1;
        this.#active++;
        event = START;
      }
      this.#apply(client, this.#step(behaviour, client, event, due), due);
      handled++;
    }
    return handled;
  }

  /** Starts the timer-driven loop. */
  start(): void {
    this.#running = true;
    this.#arm();
  }

  /** Stops scheduling: no client is popped and no new request is sent from now on. */
  stop(): void {
    this.#stopping = true;
    this.#disarm();
  }

  /**
   * Waits up to `timeoutMs` for in-flight requests to finish, then aborts the rest (they are counted
   * as 'aborted'). Resolves once nothing is in flight.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.stop();
    const { sender } = this.#o;
    const deadline = performance.now() + timeoutMs;
    while (sender.inFlight > 0 && performance.now() < deadline) await sleep(10);
    if (sender.inFlight > 0) sender.abortAll();
    // Aborted requests report asynchronously; give them a bounded moment.
    for (let i = 0; i < 50 && sender.inFlight > 0; i++) await sleep(10);
  }

  #loop = (): void => {
    this.#timer = undefined;
    this.#immediate = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    if (this.#stopping) return;
    try {
      const handled = this.runDue(this.#o.batchSize);
      if (handled === this.#o.batchSize || this.#deferred.length > 0) {
        // Still overdue: let I/O callbacks (replies) run, then carry on without a timer delay.
        this.#disarm();
        this.#immediate = setImmediate(this.#loop);
        return;
      }
      this.#idleTurn = handled === 0;
      this.#arm();
    } catch (err) {
      this.stop();
      this.#o.onError(err as Error);
    }
  };

  #arm(): void {
    // An immediate turn is already coming, and it re-arms when it is done.
    if (this.#stopping || this.#immediate !== undefined) return;
    const next = this.heap.peekKey();
    if (next === Number.POSITIVE_INFINITY || next >= this.#armedAt) return;
    const { clock } = this.#o;
    const delay = clock.toWall(next) - clock.wallNow();
    this.#disarm();
    if (delay <= 0 || (delay < 1 && !this.#idleTurn)) {
      // Timers can't wait less than 1 ms: at high rates the next client is always this close, so
      // turn again right after pending I/O instead of adding a timer's worth of lateness...
      this.#immediate = setImmediate(this.#loop);
      return;
    }
    // ...but not turn after turn with nothing due: spinning on setImmediate between clients tens of
    // µs apart burns a whole core on empty turns (two clock reads and a poll each), which starves the
    // replies and everything else on the machine. After an empty turn, sleep one timer tick.
    this.#idleTurn = false;
    this.#armedAt = next;
    this.#timer = setTimeout(this.#loop, Math.min(MAX_SLEEP_MS, Math.max(1, delay)));
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #step(behaviour: Behaviour, client: number, event: ClientEvent, now: number): Decision {
    try {
      return behaviour.step(client, event, now);
    } catch (err) {
      const e = err as Error;
      throw new Error(
        `behaviour failed for client ${client} on '${event.kind}' at ${new Date(now).toISOString()}: ${e.message}`,
        {
          cause: err,
        },
      );
    }
  }

  #apply(client: number, decision: Decision, intended: number): void {
    const { actions, wakeAt } = decision;
    if (actions) for (const a of actions) this.#send(client, a, intended);
    if (wakeAt === null) this.heap.cancel(client);
    else if (wakeAt !== undefined) {
      this.heap.schedule(client, wakeAt);
      if (this.#running && this.#immediate === undefined && wakeAt < this.#armedAt) this.#arm();
    }
  }

  #send(client: number, action: HttpAction, intended: number): void {
    const { clock, sender, recorder } = this.#o;
    if (this.#stopping || sender.inFlight >= this.#o.maxInFlight) {
      this.#skip(client, action, this.#stopping ? 'stopping' : 'in-flight-limit', intended);
      return;
    }
    const intendedWall = clock.toWall(intended);
    recorder.recordSend(clock.wallNow() - intendedWall);
    sender.send(action, (result) => {
      const endWall = clock.wallNow();
      if (result.retried) recorder.recordRetry(action.operation);
      const now = clock.toVirtual(endWall);
      if (!result.ok) {
        recorder.recordFailure(action.operation, result.kind, result.bytesOut);
        if (this.#stopping) return; // the run is ending: no follow-up requests
        this.#react(client, { kind: 'failure', action, error: result.kind, message: result.message }, now);
        return;
      }
      const latencyMs = endWall - intendedWall;
      const event: ClientEvent = {
        kind: 'reply',
        action,
        reply: { status: result.status, headers: result.headers, body: result.body, latencyMs },
      };
      // The behaviour reads the reply first: one it cannot use is counted as an error of its kind. While
      // stopping it still reads it (so the count is right) but nothing follows.
      const decision = this.#react(client, event, now, this.#stopping);
      const error = replyErrorKind(result.status, result.body) ?? decision?.unusableReply;
      recorder.recordReply(action.operation, latencyMs, result.bytesIn, result.bytesOut, error);
    });
  }

  /** Feeds an outcome to the behaviour and applies its decision (unless `readOnly`); a throw stops the run. */
  #react(client: number, event: ClientEvent, now: number, readOnly = false): Decision | undefined {
    try {
      const decision = this.#step(this.#o.behaviour, client, event, now);
      if (!readOnly) this.#apply(client, decision, now);
      return decision;
    } catch (err) {
      if (readOnly) return undefined;
      this.stop();
      this.#o.onError(err as Error);
      return undefined;
    }
  }

  #skip(client: number, action: HttpAction, reason: SkipReason, now: number): void {
    this.#o.recorder.recordSkip(reason);
    if (reason === 'stopping') return;
    this.#deferred.push({
      client,
      now,
      event: { kind: 'failure', action, error: 'skipped', message: `not sent: ${reason}` },
    });
    if (this.#running && !this.#stopping && this.#immediate === undefined) {
      this.#disarm();
      this.#immediate = setImmediate(this.#loop);
    }
  }

  #flushDeferred(): void {
    if (this.#deferred.length === 0) return;
    const batch = this.#deferred;
    this.#deferred = [];
    for (const { client, event, now } of batch) {
      if (this.#stopping) return;
      this.#apply(client, this.#step(this.#o.behaviour, client, event, now), now);
    }
  }
}

const START: ClientEvent = { kind: 'start' };
const WAKE: ClientEvent = { kind: 'wake' };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
