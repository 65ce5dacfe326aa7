// A tiny single-shard engine for fleet-adapter tests: the behaviour's wake-ups on a virtual clock that is
// the reference site's manual clock (jumping from one wake-up to the next), its requests sent through
// the engine's real Transport, replies fed back at the same virtual instant. Deterministic and fast:
// virtual days pass in the time the requests take.
import type {
  Behaviour,
  ClientEvent,
  Decision,
  HttpAction,
  ShardContext,
} from '../../harness/engine/behaviour.ts';
import { Transport, type TransportOptions, type TransportResult } from '../../harness/engine/transport.ts';
import type { SiteClock } from '../../site/clock.ts';

export function shardContext(fleetSize: number, seed: number, virtualStart: number): ShardContext {
  return {
    shard: 0,
    shards: 1,
    fleetSize,
    clients: fleetSize,
    globalIndex: (local) => local,
    seed,
    virtualStart,
  };
}

export interface SentRequest {
  at: number;
  client: number;
  operation: string;
  status: number | string;
  bytesIn: number;
  bytesOut: number;
}

/** Sees every request and its outcome (tests read reply bodies here). */
export type Inspector = (client: number, action: HttpAction, result: TransportResult) => void;

export class BehaviourLoop {
  readonly transport: Transport;
  readonly sent: SentRequest[] = [];
  readonly #wake: Float64Array;
  readonly #started: Uint8Array;
  #inFlight = 0;
  #idle: (() => void) | undefined;
  #error: Error | undefined;
  inspect: Inspector | undefined;

  constructor(
    readonly behaviour: Behaviour,
    readonly clients: number,
    readonly clock: SiteClock,
    transport: TransportOptions = {},
  ) {
    this.transport = new Transport({ connections: 8, ...transport });
    this.#wake = new Float64Array(clients).fill(clock.now());
    this.#started = new Uint8Array(clients);
  }

  /** Site time minus client time: the site's clock can run ahead of the clients' (skewSite). */
  #skew = 0;

  get now(): number {
    return this.clock.now() - this.#skew;
  }

  /** Moves only the site's clock forward (cookies it issued expire early in the clients' eyes). */
  skewSite(ms: number): void {
    this.clock.advance(ms);
    this.#skew += ms;
  }

  /** Runs every wake-up up to `until` (virtual ms), then leaves the clock at `until`. */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      let next = Number.POSITIVE_INFINITY;
      for (let c = 0; c < this.clients; c++) next = Math.min(next, this.#wake[c]!);
      if (next > until) break;
      if (next > this.now) this.clock.advance(next - this.now);
      for (let c = 0; c < this.clients; c++) {
        if (this.#wake[c]! > next) continue;
        this.#wake[c] = Number.POSITIVE_INFINITY;
        const event: ClientEvent = this.#started[c] ? { kind: 'wake' } : { kind: 'start' };
        this.#started[c] = 1;
        this.#apply(c, this.behaviour.step(c, event, next));
      }
      await this.#drained();
    }
    if (until > this.now) this.clock.advance(until - this.now);
  }

  count(operation: string, client?: number): number {
    return this.sent.filter((s) => s.operation === operation && (client === undefined || s.client === client))
      .length;
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  #apply(client: number, d: Decision): void {
    if (d.wakeAt === null) this.#wake[client] = Number.POSITIVE_INFINITY;
    else if (d.wakeAt !== undefined) this.#wake[client] = Math.max(d.wakeAt, this.now);
    for (const action of d.actions ?? []) {
      this.#inFlight++;
      this.transport.send(action, (result) => {
        this.#inFlight--;
        const now = this.now;
        this.sent.push({
          at: now,
          client,
          operation: action.operation,
          status: result.ok ? result.status : result.kind,
          bytesIn: result.ok ? result.bytesIn : 0,
          bytesOut: result.bytesOut,
        });
        this.inspect?.(client, action, result);
        try {
          const event: ClientEvent = result.ok
            ? {
                kind: 'reply',
                action,
                reply: { status: result.status, headers: result.headers, body: result.body, latencyMs: 0 },
              }
            : { kind: 'failure', action, error: result.kind, message: result.message };
          this.#apply(client, this.behaviour.step(client, event, now));
        } catch (err) {
          this.#error ??= err as Error;
        }
        if (this.#inFlight === 0) this.#idle?.();
      });
    }
  }

  #drained(): Promise<void> {
    if (this.#inFlight === 0) return this.#error ? Promise.reject(this.#error) : Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#idle = () => {
        this.#idle = undefined;
        if (this.#error) reject(this.#error);
        else resolve();
      };
    });
  }
}
