// A protocol exchange in flight for one client: the small cursor that turns one fleet action (scan,
// policy poll, download...) into a sequence of HTTP requests and, at the end, one fleet result event.
// It exists only while the exchange runs; the engine hands it back as the `tag` of each request.
import type { Fleet, FleetEvent } from '../fleet/index.ts';
import type { ErrorKind } from './error-kinds.ts';
import type { ClientRequest, ClientReply } from './request.ts';
import type { CookieJar } from './cookie-jar.ts';
import type { MpTarget } from './mp-requests.ts';
import type { ClientPlatform, RegistrationSigner } from './platform.ts';
import type { PolicyState } from './policy-state.ts';
import type { ShardKnowledge } from './shard-knowledge.ts';
import type { SmsIdTable } from './sms-ids.ts';

export interface ExchangeStep {
  /** Requests to send now (at most one per exchange: each step waits for its reply). */
  actions?: ClientRequest[];
  /** Send `actions` at this virtual time instead of now (a 503's Retry-After honoured). */
  sendAt?: number;
  /** The exchange is over: this goes to the fleet. */
  done?: FleetEvent;
  /** The reply this step answers could not be used: counted as this error kind (Decision.unusableReply). */
  unusable?: ErrorKind;
}

export interface Exchange {
  /** Global client index. */
  readonly client: number;
  start(now: number): ExchangeStep;
  reply(action: ClientRequest, reply: ClientReply, now: number): ExchangeStep;
  failure(action: ClientRequest, error: string, now: number): ExchangeStep;
}

export interface SupTarget {
  origin: string;
}

/** What every exchange of a shard shares. */
export interface AdapterContext {
  fleet: Fleet;
  knowledge: ShardKnowledge;
  policy: PolicyState;
  cookies: CookieJar;
  smsIds: SmsIdTable;
  mp: MpTarget;
  sups: readonly SupTarget[];
  signer: RegistrationSigner;
  /** Hashing, zlib, UUIDs, URL splitting and the wall clock of the runtime the client runs in. */
  platform: ClientPlatform;
  verifyContent: boolean;
  chunkBytes: number;
  /** Local slot (shard-local index) of a global client index. */
  slotOf(client: number): number;
  /** Per slot: next WSUS reporting-event sequence number. */
  eventSequence: Uint32Array;
  stats: AdapterStats;
}

/** Adapter counters shown as gauges (cumulative, summed over shards). */
export interface AdapterStats {
  revisionsLearned: number;
  extendedParsed: number;
  scanPages: number;
  repeatedUpdates: number;
  contentBytes: number;
  contentHashMismatches: number;
  filesWithoutMetadata: number;
  statePostRetries: number;
  /** Retries sent when the server's Retry-After asked (503 on a state-message post). */
  retryAfterHonoured: number;
}

export function emptyStats(): AdapterStats {
  return {
    revisionsLearned: 0,
    extendedParsed: 0,
    scanPages: 0,
    repeatedUpdates: 0,
    contentBytes: 0,
    contentHashMismatches: 0,
    filesWithoutMetadata: 0,
    statePostRetries: 0,
    retryAfterHonoured: 0,
  };
}

/** A reply body as text (UTF-8; SOAP and policy XML). */
export function replyText(ctx: Pick<AdapterContext, 'platform'>, reply: ClientReply): string {
  return ctx.platform.utf8Decode(reply.body);
}

/** The reply's Content-Type header as one string. */
export function contentType(reply: ClientReply): string {
  const v = reply.headers['content-type'];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}
