// CCM_POST /ccm_system/request: one handler per MP endpoint, chosen by the message's TargetEndpoint.
// Anything a client can get wrong ends as the status IIS + the CCM ISAPI would give, counted by reason.
import {
  buildClientRegistrationReply,
  buildContentLocationReply,
  buildReplyAssignments,
  buildWsusLocationReply,
  MpEndpoint,
  MpProtocolError,
  type ParsedCcmPost,
  parseClientRegistrationRequest,
  parseContentLocationRequest,
  parseRequestAssignments,
  parseWsusLocationRequest,
} from '../../protocol/mp/index.ts';
import { XmlError } from '../../protocol/xml.ts';
import type { SiteModel } from '../model.ts';
import type { StateSystem } from '../statemsg/index.ts';
import type { SiteReply, SiteRequest } from '../types.ts';
import { ACCEPTED, ccmReply } from './ccm-replies.ts';
import { readCcmPost, rootElementOf } from './ccm-request.ts';
import { BAD_REQUEST, INTERNAL_ERROR, NOT_FOUND, retryAfter, SERVICE_UNAVAILABLE } from './http-replies.ts';
import { contentLocationReply, type SupUrls, wsusLocationReply } from './locations.ts';
import type { PolicyCatalog } from './policies.ts';
import type { RegistrationTable } from './registrations.ts';
import { RelayPayloadError, relayStateReport } from './state-messages.ts';

export interface CcmContext {
  model: SiteModel;
  registrations: RegistrationTable;
  policies: PolicyCatalog;
  states: StateSystem;
  supUrls: () => SupUrls;
  contentVersion: () => number;
  /** Called before a reply that advertises the content version (only the 'catalog-version-churn'
   *  violation acts on it). */
  versionAsked(): void;
  /** Counts a refused request by reason. */
  refuse(reason: string): void;
}

export function handleCcmPost(ctx: CcmContext, req: SiteRequest): SiteReply {
  const read = readCcmPost(req);
  if (!read.ok) {
    ctx.refuse(read.reason);
    return BAD_REQUEST;
  }
  if (read.endpoint === undefined) {
    ctx.refuse('unknown-endpoint');
    return NOT_FOUND;
  }
  try {
    return dispatch(ctx, req, read.endpoint, read.post);
  } catch (err) {
    // A payload that is no XML document, or carries bad hex/base64, is garbage from the client (400); a
    // well-formed one that is not what the endpoint expects is failed by the endpoint (500).
    if (err instanceof XmlError || (err instanceof MpProtocolError && err.kind === 'encoding')) {
      ctx.refuse(`payload-${err.kind}`);
      return BAD_REQUEST;
    }
    if (err instanceof MpProtocolError) {
      ctx.refuse(`payload-${err.kind}`);
      return INTERNAL_ERROR;
    }
    if (err instanceof RelayPayloadError) {
      ctx.refuse('payload-not-a-report');
      return INTERNAL_ERROR;
    }
    throw err;
  }
}

function dispatch(ctx: CcmContext, req: SiteRequest, endpoint: MpEndpoint, post: ParsedCcmPost): SiteReply {
  const { model } = ctx;
  const now = model.clock.now();
  switch (endpoint) {
    case MpEndpoint.ClientRegistration: {
      const r = parseClientRegistrationRequest(post.body);
      const record = ctx.registrations.register(r.netbiosName, r.fqName, now);
      ctx.states.noteClient(record.smsId);
      const body = buildClientRegistrationReply({
        smsId: record.smsId,
        status: 0,
        responseType: r.requestType,
      });
      return ccmReply(model, post.header, 'SccmMessaging', body);
    }
    case MpEndpoint.PolicyManager: {
      const r = parseRequestAssignments(post.body);
      ctx.versionAsked();
      const assignments =
        r.resourceType === 'Machine' ? ctx.policies.assignments().map((d) => d.assignment) : [];
      const body = buildReplyAssignments({
        siteCode: model.config.siteCode,
        resourceType: r.resourceType,
        assignments,
      });
      return ccmReply(model, post.header, 'PolicyAgent_ReplyAssignments', body);
    }
    case MpEndpoint.LocationManager: {
      const root = rootElementOf(post.body);
      if (root === 'WSUSLocationRequest') {
        const request = parseWsusLocationRequest(post.body);
        ctx.versionAsked();
        const reply = wsusLocationReply(model, ctx.supUrls(), ctx.contentVersion(), request);
        return ccmReply(model, post.header, 'LS_ReplyLocations', buildWsusLocationReply(reply));
      }
      if (root === 'ContentLocationRequest') {
        const reply = contentLocationReply(model, req.url, parseContentLocationRequest(post.body));
        return ccmReply(model, post.header, 'LS_ReplyLocations', buildContentLocationReply(reply));
      }
      ctx.refuse('unknown-location-request');
      return INTERNAL_ERROR;
    }
    case MpEndpoint.Relay: {
      // The real relay answers at once. 'busy' exists only under the 'reject-when-backlogged' violation
      // (a bare 503); 'back-pressure' only when the site is configured for it (503 + Retry-After).
      const contentType = String(req.headers['content-type'] ?? '');
      const verdict = relayStateReport(ctx.states, post.body, contentType, req.body);
      if (verdict === 'busy') return SERVICE_UNAVAILABLE;
      if (verdict === 'back-pressure') {
        const seconds = ctx.states.processor.options.backPressure?.retryAfterSeconds ?? 1;
        return retryAfter(SERVICE_UNAVAILABLE, seconds);
      }
      return ACCEPTED;
    }
  }
}
