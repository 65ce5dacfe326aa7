// How a client model plugs into the engine. A worker owns a shard of the fleet; its behaviour is a
// pure-ish decision function called when one of its clients is due or one of its requests finished:
//
//   step(client, event, now) -> { actions: requests to send now, wakeAt: next wake-up }
//
// The engine owns time, scheduling, sockets and metrics; the behaviour owns client state (kept in
// its own per-shard typed arrays or records, indexed by the local client index) and never touches a
// socket or the wall clock. Behaviours are constructed inside each worker thread from a module that
// exports `createBehaviour` (functions cannot cross threads), with structured-clone options.
import type { ClientReply, ClientRequest } from '../client/request.ts';
import type { ErrorKind, TransportErrorKind } from '../metrics/schema.ts';

/** One HTTP request a client wants sent now (harness/client/request.ts): what the transport sends (origin,
 *  e.g. 'http://sup1:8530', is the pool it goes through), plus its metric name and the behaviour's tag. */
export type HttpAction = ClientRequest;

/** A reply of any status, as the behaviour gets it back. */
export type HttpOutcomeReply = ClientReply;

export type ClientEvent =
  /** The client's first turn, at its activation time (ramp-up). */
  | { kind: 'start' }
  /** The wake-up the behaviour asked for is due. */
  | { kind: 'wake' }
  /** A reply of any status arrived (4xx/5xx and SOAP faults included: the behaviour recovers). */
  | { kind: 'reply'; action: HttpAction; reply: HttpOutcomeReply }
  /** No reply: a transport failure, or the engine did not send the request ('skipped'). */
  | { kind: 'failure'; action: HttpAction; error: TransportErrorKind | 'skipped'; message: string };

export interface Decision {
  /** Requests to send now (intended send time: the event's `now`). */
  actions?: readonly HttpAction[];
  /**
   * Next wake-up in virtual epoch ms: a number (re)schedules the client, null unschedules it,
   * undefined leaves its current wake-up as it is (e.g. while waiting for a reply).
   */
  wakeAt?: number | null;
  /**
   * For a 'reply' event: the reply arrived whole but the client could not use it (garbage, refused or
   * cut XML, a body that does not inflate, the wrong message): it counts as this error kind, not as a
   * reply used. A reply whose status or SOAP fault already counts as an error keeps that kind.
   */
  unusableReply?: ErrorKind;
}

export interface Behaviour {
  /**
   * Decides what `client` (local index in this shard) does at virtual time `now`. For 'start' and
   * 'wake' events `now` is the scheduled time, not the time the engine got round to it, so the
   * schedule is reproducible even when the generator runs late.
   */
  step(client: number, event: ClientEvent, now: number): Decision;
  /** Fleet gauges sampled once per metrics interval (e.g. clients per phase), summed across shards. */
  gauges?(): Record<string, number>;
}

export interface ShardContext {
  /** This shard's number and the number of shards. */
  shard: number;
  shards: number;
  /** Clients in the whole fleet and in this shard. */
  fleetSize: number;
  clients: number;
  /** Fleet-wide index of a local client (shards are striped: global = local * shards + shard). */
  globalIndex(local: number): number;
  /** The run seed: derive per-client RNGs from it and the global index. */
  seed: number;
  /** Virtual epoch ms at which the run starts. */
  virtualStart: number;
}

/** What a behaviour module exports; `options` is the structured-clone data the coordinator was given. */
export type CreateBehaviour = (context: ShardContext, options: unknown) => Behaviour | Promise<Behaviour>;

export function shardSize(fleetSize: number, shard: number, shards: number): number {
  return shard < fleetSize % shards ? Math.ceil(fleetSize / shards) : Math.floor(fleetSize / shards);
}
