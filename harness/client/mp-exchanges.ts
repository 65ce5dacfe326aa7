// The single-request MP exchanges: registration (the SMSID is kept), WSUS location, and the bulk
// state-message report (M-BULK; one retry before the messages count as lost, M-SERIAL).
import type { ClientIdentity, FleetEvent, StateMessageBatch } from '../fleet/index.ts';
import {
  type ClientRegistrationReply,
  memoizeByIdentity,
  parseCcmPost,
  readCcmPayload,
  parseClientRegistrationReply,
  parseWsusLocationReply,
  type StateMessage,
  TopicIdType,
  TopicType,
} from '../../protocol/mp/index.ts';
import type { ErrorKind } from './error-kinds.ts';
import type { ClientRequest, ClientReply } from './request.ts';
import { retryAfterMs } from './retry-after.ts';
import { unusableReplyKind } from './reply-errors.ts';
import { type AdapterContext, contentType, type Exchange, type ExchangeStep } from './exchange.ts';
import { ccmAction, Endpoints, registrationBody, stateReportBody, wsusLocationBody } from './mp-requests.ts';

/**
 * Reads a 200 CCM_POST reply with `read` (its payload text to what the exchange needs). Not ok when the
 * status is not 200 (already counted by its status) or the reply cannot be used: then `unusable` names
 * the error kind it counts as (a body that does not inflate, malformed XML, the wrong message).
 */
/**
 * Payload texts by the identity of their inflated bytes: the platform's inflate returns the same array for
 * a repeated reply (memoizeLast), so the policy-assignment text every client gets is decoded once.
 */
const payloadText = memoizeByIdentity(readCcmPayload);

export function readCcmReply<T>(
  ctx: Pick<AdapterContext, 'platform'>,
  reply: ClientReply,
  read: (text: string) => T,
): { ok: true; value: T } | { ok: false; unusable?: ErrorKind } {
  if (reply.status !== 200) return { ok: false };
  try {
    return {
      ok: true,
      value: read(
        parseCcmPost(contentType(reply), reply.body, { inflate: ctx.platform.inflate, payloadText }).body,
      ),
    };
  } catch (err) {
    return { ok: false, unusable: unusableReplyKind(err) };
  }
}

/** An exchange's end after a reply it could not use: `done`, plus the error kind when there is one. */
export function endStep(done: FleetEvent, unusable: ErrorKind | undefined): ExchangeStep {
  return unusable === undefined ? { done } : { done, unusable };
}

/**
 * The part of a shard's AdapterContext a registration uses. The swarm passes its AdapterContext; the
 * driver's one-machine MP client (harness/driver/mp-client.ts) passes a one-slot context.
 */
export type RegisterContext = Pick<AdapterContext, 'signer' | 'smsIds' | 'slotOf' | 'mp' | 'platform'> & {
  fleet: { identity(client: number): Pick<ClientIdentity, 'hostName' | 'dnsName'> };
};

export class RegisterExchange implements Exchange {
  /** The MP's reply once read (the driver returns it; the swarm keeps only the SMSID). */
  registration: ClientRegistrationReply | undefined;

  constructor(
    readonly ctx: RegisterContext,
    readonly client: number,
  ) {}

  start(now: number): ExchangeStep {
    const id = this.ctx.fleet.identity(this.client);
    const body = registrationBody(this.ctx.signer, id.hostName, id.dnsName, now);
    const sender = { netbiosName: id.hostName };
    return {
      actions: [
        ccmAction(this.ctx, 'mp.registration', Endpoints.ClientRegistration, sender, body, now, this),
      ],
    };
  }

  reply(_a: ClientRequest, reply: ClientReply): ExchangeStep {
    const r = readCcmReply(this.ctx, reply, parseClientRegistrationReply);
    if (!r.ok) return endStep({ kind: 'register-result', ok: false }, r.unusable);
    // A registration reply without an SMSID is well-formed but not an answer to the request.
    if (!r.value.smsId) return endStep({ kind: 'register-result', ok: false }, 'protocol');
    this.registration = r.value;
    this.ctx.smsIds.set(this.ctx.slotOf(this.client), r.value.smsId);
    return { done: { kind: 'register-result', ok: true } };
  }

  failure(): ExchangeStep {
    return { done: { kind: 'register-result', ok: false } };
  }
}

export class LocationExchange implements Exchange {
  constructor(
    readonly ctx: AdapterContext,
    readonly client: number,
  ) {}

  start(now: number): ExchangeStep {
    const { ctx } = this;
    const sourceId = ctx.policy.updateSourceId;
    // Without an UpdateSource policy the client cannot ask where its SUP is (a real client waits too).
    if (sourceId === undefined) return { done: { kind: 'wsus-location-result', ok: false } };
    const record = ctx.fleet.client(this.client);
    const version = Math.max(record.policyCatalogVersion, 1);
    const id = ctx.fleet.identity(this.client);
    const sender = { smsId: smsIdOf(ctx, this.client), netbiosName: id.hostName };
    const body = wsusLocationBody(ctx.mp, sourceId, version);
    return {
      actions: [ccmAction(ctx, 'mp.location.wsus', Endpoints.LocationManager, sender, body, now, this)],
    };
  }

  reply(_a: ClientRequest, reply: ClientReply): ExchangeStep {
    const r = readCcmReply(this.ctx, reply, (text) => parseWsusLocationReply(text).records.length);
    if (!r.ok) return endStep({ kind: 'wsus-location-result', ok: false }, r.unusable);
    // Scans go to targets.sups (the run's SUP list); the MP must still name a SUP for this version. An
    // empty location list is a usable answer (the site has no SUP for it), not an unusable reply.
    const done: FleetEvent =
      r.value > 0
        ? { kind: 'wsus-location-result', ok: true, supCount: this.ctx.sups.length }
        : { kind: 'wsus-location-result', ok: false };
    return { done };
  }

  failure(): ExchangeStep {
    return { done: { kind: 'wsus-location-result', ok: false } };
  }
}

/** Delivery attempts of one report before its messages count as lost. */
const POST_ATTEMPTS = 2;

export class StatePostExchange implements Exchange {
  #action: ClientRequest | undefined;
  #attempts = 0;

  constructor(
    readonly ctx: AdapterContext,
    readonly client: number,
    readonly batch: StateMessageBatch,
  ) {}

  start(now: number): ExchangeStep {
    const { ctx, batch } = this;
    const id = ctx.fleet.identity(this.client);
    const smsId = smsIdOf(ctx, this.client);
    const messages: StateMessage[] = new Array(batch.count);
    for (let i = 0; i < batch.count; i++) {
      const topicType = batch.topicType[i]!;
      messages[i] = {
        serialNumber: batch.firstSerial + i,
        messageTime: batch.time[i]!,
        ...topicOf(ctx, topicType, batch.update[i]!),
        topicType,
        stateId: batch.stateId[i]!,
        params: [],
      };
    }
    const body = stateReportBody(smsId, id.hostName, now, messages);
    const sender = { smsId, netbiosName: id.hostName };
    this.#action = ccmAction(ctx, 'mp.statemsg', Endpoints.Relay, sender, body, now, this, 'Async');
    return this.#send();
  }

  reply(_a: ClientRequest, reply: ClientReply, now: number): ExchangeStep {
    if (reply.status === 200) return { done: { kind: 'post-result', ok: true } };
    // The MP's back-pressure answer (503 + Retry-After, site time): the retry waits as long as it asks.
    const wait =
      reply.status === 503 || reply.status === 429
        ? retryAfterMs(reply.headers['retry-after'], this.ctx.platform.now())
        : undefined;
    const step = this.#retry();
    if (wait === undefined || step.actions === undefined) return step;
    this.ctx.stats.retryAfterHonoured++;
    return { ...step, sendAt: now + wait };
  }

  failure(): ExchangeStep {
    return this.#retry();
  }

  #send(): ExchangeStep {
    this.#attempts++;
    return { actions: [this.#action!] };
  }

  #retry(): ExchangeStep {
    if (this.#attempts >= POST_ATTEMPTS) return { done: { kind: 'post-result', ok: false } };
    this.ctx.stats.statePostRetries++;
    return this.#send();
  }
}

/** 500/402 name the update by GUID; 300/301 the deployment by assignment id; 501 the update source. */
function topicOf(
  ctx: AdapterContext,
  topicType: number,
  ref: number,
): Pick<StateMessage, 'topicId' | 'topicIdType'> {
  if (topicType === TopicType.SumAssignmentCompliance || topicType === TopicType.SumAssignmentEnforcement) {
    return { topicId: ctx.policy.assignmentIdOf(ref), topicIdType: TopicIdType.CiAssignmentId };
  }
  if (ref < 0) return { topicId: ctx.policy.updateSourceId ?? '', topicIdType: 0 };
  return { topicId: ctx.knowledge.updates[ref]?.updateId ?? '', topicIdType: TopicIdType.UpdateUniqueId };
}

/** The SMSID the MP gave this client, or (registered before the run) its fleet identity's SMS GUID. */
export function smsIdOf(ctx: AdapterContext, client: number): string {
  return ctx.smsIds.get(ctx.slotOf(client)) ?? ctx.fleet.identity(client).smsGuid;
}
