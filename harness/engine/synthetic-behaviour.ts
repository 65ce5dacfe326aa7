// A synthetic behaviour: every client sends one request every `everyMs` of virtual time, phases
// spread evenly across the fleet, so the offered rate is exactly fleetSize / everyMs × speed per wall
// second. Used by the throughput benchmark and the engine's own tests; it is also a quick way to
// put a flat, known load on any HTTP endpoint.
import type { Behaviour, CreateBehaviour, ShardContext } from './behaviour.ts';

export interface SyntheticOptions {
  origin: string;
  path?: string;
  method?: string;
  operation?: string;
  /** Virtual ms between two requests of one client. */
  everyMs: number;
  /** Send the next request only after the previous one finished (default false: strict schedule). */
  waitForReply?: boolean;
}

export function syntheticBehaviour(ctx: ShardContext, o: SyntheticOptions): Behaviour {
  if (!(o.everyMs > 0)) throw new RangeError(`everyMs must be > 0, got ${o.everyMs}`);
  const action = {
    operation: o.operation ?? 'synthetic',
    origin: o.origin,
    method: o.method ?? 'GET',
    path: o.path ?? '/',
  };
  const actions = [action];
  let replies = 0;
  let failures = 0;
  return {
    step(client, event, now) {
      switch (event.kind) {
        case 'start': {
          // Even spread: client g starts at g/fleetSize of the period.
          const phase = (ctx.globalIndex(client) / ctx.fleetSize) * o.everyMs;
          return { wakeAt: now + phase };
        }
        case 'wake':
          return o.waitForReply ? { actions } : { actions, wakeAt: now + o.everyMs };
        case 'reply':
          replies++;
          return o.waitForReply ? { wakeAt: now + o.everyMs } : {};
        case 'failure':
          failures++;
          return o.waitForReply ? { wakeAt: now + o.everyMs } : {};
      }
    },
    gauges: () => ({ 'synthetic.replies': replies, 'synthetic.failures': failures }),
  };
}

export const createBehaviour: CreateBehaviour = (ctx, options) =>
  syntheticBehaviour(ctx, options as SyntheticOptions);
