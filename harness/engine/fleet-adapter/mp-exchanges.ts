// The single-request MP exchanges: registration (the SMSID is kept), WSUS location, and the bulk
// state-message report (M-BULK; one retry before the messages count as lost, M-SERIAL).
import type { FleetEvent, StateMessageBatch } from '../../fleet/index.ts';
import {
  parseCcmPost,
  parseClientRegistrationReply,
  parseWsusLocationReply,
  type StateMessage,
  TopicIdType,
  TopicType,
} from '../../../protocol/mp/index.ts';
import type { HttpAction, HttpOutcomeReply } from '../behaviour.ts';
import { type AdapterContext, contentType, type Exchange, type ExchangeStep } from './exchange.ts';
import {
  ccmAction,
  Endpoints,
  inflate,
  registrationBody,
  stateReportBody,
  wsusLocationBody,
} from './mp-requests.ts';

/** Reads a CCM_POST reply's payload text; undefined when the reply is not a usable 200 answer. */
export function ccmReplyBody(reply: HttpOutcomeReply): string | undefined {
  if (reply.status !== 200) return undefined;
  try {
    return parseCcmPost(contentType(reply), reply.body, { inflate }).body;
  } catch {
    return undefined;
  }
}

export class RegisterExchange implements Exchange {
  constructor(
    readonly ctx: AdapterContext,
    readonly client: number,
  ) {}

  start(now: number): ExchangeStep {
    const id = this.ctx.fleet.identity(this.client);
    const body = registrationBody(this.ctx.signer, id.hostName, id.dnsName, now);
    const sender = { netbiosName: id.hostName };
    return {
      actions: [
        ccmAction(this.ctx.mp, 'mp.registration', Endpoints.ClientRegistration, sender, body, now, this),
      ],
    };
  }

  reply(_a: HttpAction, reply: HttpOutcomeReply): ExchangeStep {
    const text = ccmReplyBody(reply);
    let smsId: string | undefined;
    try {
      smsId = text === undefined ? undefined : parseClientRegistrationReply(text).smsId;
    } catch {
      smsId = undefined;
    }
    if (smsId) this.ctx.smsIds.set(this.ctx.slotOf(this.client), smsId);
    return { done: { kind: 'register-result', ok: Boolean(smsId) } };
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
      actions: [ccmAction(ctx.mp, 'mp.location.wsus', Endpoints.LocationManager, sender, body, now, this)],
    };
  }

  reply(_a: HttpAction, reply: HttpOutcomeReply): ExchangeStep {
    const text = ccmReplyBody(reply);
    let records = 0;
    try {
      records = text === undefined ? 0 : parseWsusLocationReply(text).records.length;
    } catch {
      records = 0;
    }
    // Scans go to targets.sups (the run's SUP list); the MP must still name a SUP for this version.
    const done: FleetEvent =
      records > 0
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
  #action: HttpAction | undefined;
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
    this.#action = ccmAction(ctx.mp, 'mp.statemsg', Endpoints.Relay, sender, body, now, this, 'Async');
    return this.#send();
  }

  reply(_a: HttpAction, reply: HttpOutcomeReply): ExchangeStep {
    return reply.status === 200 ? { done: { kind: 'post-result', ok: true } } : this.#retry();
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
