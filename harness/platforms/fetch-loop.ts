// The client layer run over fetch: a shard's Behaviour (harness/client FleetBehaviour) stepped wake-up by
// wake-up on a virtual clock, each request sent with fetch as soon as the behaviour asks for it and its
// reply fed back at the same virtual instant. Virtual time jumps from one wake-up to the next, so a day of
// a small fleet passes in the time its requests take; `onAdvance` lets an in-process site's manual clock
// follow. Web globals only: runs wherever fetch does (and against msw handlers, which intercept fetch).
import type { Behaviour, ClientEvent, ClientRequest, Decision } from '../client/index.ts';
import { type FetchOutcome, type FetchSendLimits, sendWithFetch } from './fetch-sender.ts';

export interface FetchLoopOptions {
  behaviour: Behaviour;
  /** Clients of the behaviour's shard (local indexes 0..clients-1), all first due at `start`. */
  clients: number;
  /** Virtual epoch ms of the first turn (the shard context's virtualStart). */
  start: number;
  /** Virtual epoch ms after which no wake-up runs. */
  until: number;
  limits: FetchSendLimits;
  /** Defaults to the global fetch (which msw's setupServer intercepts). */
  fetch?: typeof fetch;
  /** Called before the clients due at `now` run: an in-process site's manual clock follows here. */
  onAdvance?(now: number): void;
}

export interface SentOverFetch {
  /** Virtual ms the request was sent at. */
  at: number;
  client: number;
  operation: string;
  /** The reply's status, or the failure kind. */
  status: number | string;
  /** The error kind a whole reply counted as when the client could not use it. */
  unusable?: string;
}

/** Runs every wake-up from `start` to `until` and returns every request sent, in completion order. */
export async function runClientsOverFetch(options: FetchLoopOptions): Promise<SentOverFetch[]> {
  const { behaviour, clients, limits } = options;
  const fetchFn = options.fetch ?? fetch;
  const sent: SentOverFetch[] = [];
  const wake = new Float64Array(clients).fill(options.start);
  const started = new Uint8Array(clients);
  let now = options.start;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  let failure: unknown;

  const apply = (client: number, decision: Decision): void => {
    if (decision.wakeAt === null) wake[client] = Number.POSITIVE_INFINITY;
    else if (decision.wakeAt !== undefined) wake[client] = Math.max(decision.wakeAt, now);
    for (const action of decision.actions ?? []) {
      inFlight++;
      sendWithFetch(action, limits, fetchFn)
        .then((outcome) => settle(client, action, outcome))
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => {
          inFlight--;
          if (inFlight === 0) idle?.();
        });
    }
  };

  const settle = (client: number, action: ClientRequest, outcome: FetchOutcome): void => {
    const record: SentOverFetch = {
      at: now,
      client,
      operation: action.operation,
      status: outcome.ok ? outcome.reply.status : outcome.kind,
    };
    sent.push(record);
    const event: ClientEvent = outcome.ok
      ? { kind: 'reply', action, reply: outcome.reply }
      : { kind: 'failure', action, error: outcome.kind, message: outcome.message };
    const decision = behaviour.step(client, event, now);
    if (decision.unusableReply !== undefined) record.unusable = decision.unusableReply;
    apply(client, decision);
  };

  const drained = (): Promise<void> =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          idle = () => {
            idle = undefined;
            resolve();
          };
        });

  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    for (let c = 0; c < clients; c++) next = Math.min(next, wake[c]!);
    if (next > options.until) break;
    now = Math.max(now, next);
    options.onAdvance?.(now);
    for (let c = 0; c < clients; c++) {
      if (wake[c]! > next) continue;
      wake[c] = Number.POSITIVE_INFINITY;
      const event: ClientEvent = started[c] ? { kind: 'wake' } : { kind: 'start' };
      started[c] = 1;
      apply(c, behaviour.step(c, event, next));
    }
    await drained();
    if (failure !== undefined) throw failure;
  }
  if (options.until > now) options.onAdvance?.(options.until);
  return sent;
}
