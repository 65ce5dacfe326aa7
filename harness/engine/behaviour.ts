// How a client model plugs into the engine. A worker owns a shard of the fleet; its behaviour is a
// pure-ish decision function called when one of its clients is due or one of its requests finished:
//
//   step(client, event, now) -> { actions: requests to send now, wakeAt: next wake-up }
//
// The engine owns time, scheduling, sockets and metrics; the behaviour owns client state (kept in
// its own per-shard typed arrays or records, indexed by the local client index) and never touches a
// socket or the wall clock. Behaviours are constructed inside each worker thread from a module that
// exports `createBehaviour` (functions cannot cross threads), with structured-clone options.
import type { Behaviour, ShardContext } from '../client/behaviour.ts';
import type { ClientReply, ClientRequest } from '../client/request.ts';

export type { Behaviour, ClientEvent, Decision, ShardContext } from '../client/behaviour.ts';

/** One HTTP request a client wants sent now (harness/client/request.ts): what the transport sends (origin,
 *  e.g. 'http://sup1:8530', is the pool it goes through), plus its metric name and the behaviour's tag. */
export type HttpAction = ClientRequest;

/** A reply of any status, as the behaviour gets it back. */
export type HttpOutcomeReply = ClientReply;

/** What a behaviour module exports; `options` is the structured-clone data the coordinator was given. */
export type CreateBehaviour = (context: ShardContext, options: unknown) => Behaviour | Promise<Behaviour>;

export function shardSize(fleetSize: number, shard: number, shards: number): number {
  return shard < fleetSize % shards ? Math.ceil(fleetSize / shards) : Math.floor(fleetSize / shards);
}
