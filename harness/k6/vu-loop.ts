// One k6 VU's event loop: the swarm's scheduler (harness/engine/shard-runner.ts) cut down to what a VU can
// do. k6 has no timers and no event loop a script can wait on, and http.batch blocks until every request
// of the batch is answered, so the VU runs in rounds: step every client that is due at its scheduled time
// (FleetBehaviour.step, as the swarm does), send what those steps and the last batch's replies asked for
// as one batch, feed each reply or failure back to its client at the virtual time the batch ended; when
// nothing is to be sent, sleep (k6's sleep) until the next client is due.
// Virtual time = virtualStart + wall time since the start × speed.
import type { Behaviour, ClientEvent, Decision } from '../client/behaviour.ts';
import type { TransportErrorKind } from '../client/error-kinds.ts';
import type { ClientReply, ClientRequest } from '../client/request.ts';

/** What became of one request: a reply of any status, or no reply (a transport failure kind). */
export type SendOutcome =
  | { ok: true; reply: ClientReply }
  | { ok: false; kind: TransportErrorKind; message: string };

/** Sends requests concurrently and blocks until all are answered (k6's http.batch). */
export type BatchSender = (requests: readonly ClientRequest[]) => SendOutcome[];

export interface VuLoopOptions {
  behaviour: Behaviour;
  /** Clients of this VU (local indexes 0..clients-1). */
  clients: number;
  /** Virtual epoch ms of the run's start, and virtual ms per wall ms. */
  virtualStart: number;
  speed: number;
  /** Virtual run length: no client is stepped for a wake-up after virtualStart + durationMs. */
  durationMs: number;
  send: BatchSender;
  /** Wall ms (Date.now in k6) and a blocking sleep in seconds (k6's sleep). */
  wallNow(): number;
  sleep(seconds: number): void;
  /** Wall ms at which the virtual clock reads virtualStart (default: when run() starts); every VU of an
   *  instance gets setup()'s, so they share one clock. */
  wallStart?: number;
  /** Each request's outcome and the client's verdict on it (metrics). */
  onOutcome?(request: ClientRequest, outcome: SendOutcome, decision: Decision): void;
  /** Most requests in one http.batch (the rest go in the next round). */
  maxBatch?: number;
}

interface Pending {
  client: number;
  request: ClientRequest;
}

/** Sleeps are cut to this (wall s) so a long idle gap still notices the run's end on time. */
const MAX_SLEEP_S = 5;

export class VuLoop {
  readonly #o: VuLoopOptions;
  readonly #wake: Float64Array;
  readonly #started: Uint8Array;
  #wallStart = 0;
  /** Requests sent, rounds (batches) sent. */
  requests = 0;
  batches = 0;
  /** Most virtual ms a due client waited for this VU to step it (the VU fell behind its clients). */
  maxLatenessMs = 0;
  /** Wall ms of the slowest batch (sending) and of the slowest stepping of one batch's replies. */
  slowestBatchMs = 0;
  slowestStepsMs = 0;

  constructor(options: VuLoopOptions) {
    if (!(options.speed > 0)) throw new RangeError(`speed = ${options.speed}: expected > 0`);
    this.#o = options;
    // Every client's first turn is at the run's start: FleetBehaviour's 'start' answers with the
    // client's activation time (ramp-up) when that is later.
    this.#wake = new Float64Array(options.clients).fill(options.virtualStart);
    this.#started = new Uint8Array(options.clients);
  }

  /** Virtual epoch ms now. */
  now(): number {
    return this.#o.virtualStart + (this.#o.wallNow() - this.#wallStart) * this.#o.speed;
  }

  /** Runs until the virtual end: requests not sent by then are not sent, as the swarm stops at its end. */
  run(): void {
    const o = this.#o;
    const end = o.virtualStart + o.durationMs;
    const max = o.maxBatch ?? 64;
    this.#wallStart = o.wallStart ?? o.wallNow();
    let pending: Pending[] = [];
    for (;;) {
      const now = this.now();
      if (now >= end) break;
      // Clients that came due while the last batch was out go in the next one with the replies' follow-ups:
      // one client's chain of requests (a cold scan's pages) does not hold the others back.
      let next = Number.POSITIVE_INFINITY;
      for (let c = 0; c < o.clients; c++) {
        const at = this.#wake[c]!;
        if (at > now) {
          if (at < next) next = at;
          continue;
        }
        this.#wake[c] = Number.POSITIVE_INFINITY;
        if (now - at > this.maxLatenessMs) this.maxLatenessMs = now - at;
        const event: ClientEvent = this.#started[c] ? { kind: 'wake' } : { kind: 'start' };
        this.#started[c] = 1;
        // The scheduled time, not the time the loop got round to it: a late VU keeps the schedule.
        this.#apply(c, o.behaviour.step(c, event, at), pending, now);
      }
      if (pending.length === 0) {
        // The steps above may have asked for wake-ups sooner than any seen before them.
        for (let c = 0; c < o.clients; c++) if (this.#wake[c]! < next) next = this.#wake[c]!;
        const waitS = (Math.min(next, end) - now) / o.speed / 1000;
        o.sleep(Math.min(waitS, MAX_SLEEP_S));
        continue;
      }
      const batch = pending.length > max ? pending.slice(0, max) : pending;
      pending = pending.length > max ? pending.slice(max) : [];
      this.#send(batch, pending);
    }
  }

  /** Sends one batch; the replies' follow-up requests join `pending`. */
  #send(batch: Pending[], pending: Pending[]): void {
    const o = this.#o;
    const t0 = o.wallNow();
    const outcomes = o.send(batch.map((p) => p.request));
    const t1 = o.wallNow();
    if (t1 - t0 > this.slowestBatchMs) this.slowestBatchMs = t1 - t0;
    this.requests += batch.length;
    this.batches++;
    const now = this.now();
    batch.forEach((p, i) => {
      const outcome = outcomes[i]!;
      const event: ClientEvent = outcome.ok
        ? { kind: 'reply', action: p.request, reply: outcome.reply }
        : { kind: 'failure', action: p.request, error: outcome.kind, message: outcome.message };
      const decision = o.behaviour.step(p.client, event, now);
      o.onOutcome?.(p.request, outcome, decision);
      this.#apply(p.client, decision, pending, now);
    });
    const t2 = o.wallNow();
    if (t2 - t1 > this.slowestStepsMs) this.slowestStepsMs = t2 - t1;
  }

  #apply(client: number, d: Decision, pending: Pending[], now: number): void {
    if (d.wakeAt === null) this.#wake[client] = Number.POSITIVE_INFINITY;
    else if (d.wakeAt !== undefined) this.#wake[client] = Math.max(d.wakeAt, now);
    for (const request of d.actions ?? []) pending.push({ client, request });
  }
}
