// How a runtime drives a shard of emulated clients: it calls step(client, event, now) when a client is due
// or one of its requests finished, sends the requests the decision holds and wakes the client when it
// asks. The swarm's workers (harness/engine), an in-process loop and a k6 VU drive the same Behaviour;
// it owns client state and never touches a socket or the wall clock.
import type { ErrorKind, TransportErrorKind } from './error-kinds.ts';
import type { ClientReply, ClientRequest } from './request.ts';

export type ClientEvent =
  /** The client's first turn, at its activation time (ramp-up). */
  | { kind: 'start' }
  /** The wake-up the behaviour asked for is due. */
  | { kind: 'wake' }
  /** A reply of any status arrived (4xx/5xx and SOAP faults included: the behaviour recovers). */
  | { kind: 'reply'; action: ClientRequest; reply: ClientReply }
  /** No reply: a transport failure, or the engine did not send the request ('skipped'). */
  | { kind: 'failure'; action: ClientRequest; error: TransportErrorKind | 'skipped'; message: string };

export interface Decision {
  /** Requests to send now (intended send time: the event's `now`). */
  actions?: readonly ClientRequest[];
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
