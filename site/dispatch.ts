// What the site answers to one buffered request, decided without a socket: the Host check, routing,
// overload shedding, the body limit, classification, fault injection, the front-end's reply and the
// counting of all of it. The listeners (listener.ts) turn an Answer into bytes on a connection; the
// in-process entry (in-process.ts) turns it into a plain reply object. One decision path for both.
import { type FaultDecision, type FaultInjector, NO_FAULT } from './faults.ts';
import type { InFlightLimits } from './in-flight.ts';
import { type ListenerRole, type Route, routeRequest } from './routes.ts';
import { type OperationCounters, type SiteStats, statusClassOf, UNROUTED } from './stats.ts';
import type { FrontEnd, FrontEndHandler, SiteReply, SiteRequest } from './types.ts';

export interface FrontEnds {
  sup: FrontEndHandler;
  mp: FrontEndHandler;
  dp: FrontEndHandler;
}

export interface DispatchContext {
  role: ListenerRole;
  secure: boolean;
  frontEnds: FrontEnds;
  stats: SiteStats;
  faults: FaultInjector;
  maxRequestBytes: number;
  /** Shared by every entry, so HTTP and HTTPS requests of one front-end count against one limit. */
  inFlight: InFlightLimits;
  /** SUP services at non-default first path segments (see routeRequest). */
  extraSupSegments?: ReadonlySet<string>;
}

const TEXT = 'text/plain; charset=utf-8';

const NOT_FOUND: SiteReply = { status: 404, headers: { 'content-type': TEXT }, body: 'Not Found' };
/** HTTP.sys's answer to a Host header that is no host name or address (before any site sees it). */
const INVALID_HOSTNAME: SiteReply = {
  status: 400,
  headers: { 'content-type': 'text/html; charset=us-ascii' },
  body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n<HTML><HEAD><TITLE>Bad Request</TITLE></HEAD><BODY><h2>Bad Request - Invalid Hostname</h2><hr><p>HTTP Error 400. The request hostname is invalid.</p></BODY></HTML>\r\n',
  close: true,
};
/** A DNS name, IPv4 address or bracketed IPv6 literal, with an optional port. */
const VALID_HOST = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
export const TOO_LARGE: SiteReply = {
  status: 413,
  headers: { 'content-type': TEXT },
  body: 'Request Entity Too Large',
  close: true,
};
export const INTERNAL_ERROR: SiteReply = {
  status: 500,
  headers: { 'content-type': TEXT },
  body: 'Internal Server Error',
};
/** What HTTP.sys sends while the application pool is down (a WSUS pool recycling under a scan storm) or
 *  its request queue is full. */
const SERVICE_UNAVAILABLE: SiteReply = {
  status: 503,
  headers: { 'content-type': 'text/html; charset=us-ascii' },
  body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n<HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY><h2>Service Unavailable</h2><hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>\r\n',
};

/** What to do with a request; the caller writes it and counts the written reply with countReply. */
export type Answer =
  | { kind: 'reply'; reply: SiteReply | Promise<SiteReply>; c: OperationCounters }
  /** Drop the connection without an answer (an injected reset). */
  | { kind: 'reset' }
  /** Decide again after `ms` (an injected delay or a stall with a duration). */
  | { kind: 'later'; ms: number; next: () => Answer }
  /** Never answer: the client gives up (a stall without a duration). */
  | { kind: 'hold' };

/** A routed request, or the shell's own answer (invalid Host, unknown path). */
export type Admission = { kind: 'route'; route: Exclude<Route, { kind: 'unknown' }> } | Answer;

/** Decided on the request line and Host header, before any body is read. */
export function admit(ctx: DispatchContext, host: string | undefined, rawPath: string): Admission {
  if (host !== undefined && host !== '' && !VALID_HOST.test(host)) {
    const c = ctx.stats.counters(UNROUTED, 'InvalidHostname');
    c.requests++;
    return { kind: 'reply', reply: INVALID_HOSTNAME, c };
  }
  const route = routeRequest(ctx.role, ctx.secure, rawPath, ctx.extraSupSegments);
  if (route.kind === 'unknown') {
    const c = ctx.stats.counters(UNROUTED, 'UnknownPath');
    c.requests++;
    return { kind: 'reply', reply: NOT_FOUND, c };
  }
  return { kind: 'route', route };
}

/** The front-end's name for a request ('Unknown' when it cannot tell or throws). */
function classify(handler: FrontEndHandler, request: SiteRequest): string {
  try {
    return handler.operationOf(request) || 'Unknown';
  } catch {
    return 'Unknown';
  }
}

function operationOf(ctx: DispatchContext, route: Route, probe: SiteRequest): string {
  if (route.kind === 'refuse') return route.operation;
  return classify(ctx.frontEnds[probe.frontEnd], probe);
}

/** Like HTTP.sys with a full queue: 503 decided on the request line and headers (`probe` has no body). */
export function shedAnswer(ctx: DispatchContext, route: Route, probe: SiteRequest): Answer {
  let operation = operationOf(ctx, route, probe);
  // Without the body a CCM_POST's endpoint is unknown: count it under its method rather than 'Unknown'.
  if (operation === 'Unknown' && probe.method === 'CCM_POST') operation = probe.method;
  const c = ctx.stats.counters(probe.frontEnd, operation);
  c.requests++;
  c.overloaded++;
  return { kind: 'reply', reply: SERVICE_UNAVAILABLE, c };
}

/** The counters of a body over the limit (the caller answers TOO_LARGE its own way). */
export function tooLargeCounters(ctx: DispatchContext, route: Route, probe: SiteRequest): OperationCounters {
  const c = ctx.stats.counters(probe.frontEnd, operationOf(ctx, route, probe));
  c.requests++;
  c.tooLarge++;
  return c;
}

/** A whole request: refused by the shell, or classified, counted, fault-injected and handled. */
export function dispatch(ctx: DispatchContext, route: Route, request: SiteRequest): Answer {
  if (route.kind === 'refuse') {
    const c = ctx.stats.counters(route.frontEnd, route.operation);
    c.requests++;
    c.bytesIn += request.body.length;
    return {
      kind: 'reply',
      reply: { status: route.status, headers: { 'content-type': TEXT }, body: route.reason },
      c,
    };
  }
  const handler = ctx.frontEnds[request.frontEnd];
  const operation = classify(handler, request);
  const c = ctx.stats.counters(request.frontEnd, operation);
  c.requests++;
  c.bytesIn += request.body.length;

  const decision = ctx.faults.decide(request.frontEnd, operation);
  if (decision === NO_FAULT) return { kind: 'reply', reply: handle(handler, request, c), c };
  if (decision.latencyMs > 0) {
    c.injected.delayed++;
    return {
      kind: 'later',
      ms: decision.latencyMs,
      next: () => applyFault(handler, request, operation, decision, c),
    };
  }
  return applyFault(handler, request, operation, decision, c);
}

function applyFault(
  handler: FrontEndHandler,
  request: SiteRequest,
  operation: string,
  decision: FaultDecision,
  c: OperationCounters,
): Answer {
  switch (decision.action) {
    case 'none':
      return { kind: 'reply', reply: handle(handler, request, c), c };
    case 'busy':
      c.injected.busy++;
      return { kind: 'reply', reply: frontEndFault(() => handler.busyReply(operation), c), c };
    case 'http503':
      c.injected.http503++;
      return { kind: 'reply', reply: SERVICE_UNAVAILABLE, c };
    case 'errorCode': {
      c.injected.errorCode++;
      // Rules with an ErrorCode are SUP-only (validated); a front-end without such faults answers 500.
      const { errorCode } = decision;
      const reply =
        handler.errorCodeReply !== undefined && errorCode !== undefined
          ? frontEndFault(() => handler.errorCodeReply!(operation, errorCode), c)
          : INTERNAL_ERROR;
      return { kind: 'reply', reply, c };
    }
    case 'reset':
      c.injected.reset++;
      return { kind: 'reset' };
    case 'stall':
      c.injected.stall++;
      // Without a duration the request is held until the client gives up and closes the connection.
      if (decision.stallMs === undefined) return { kind: 'hold' };
      return {
        kind: 'later',
        ms: decision.stallMs,
        next: () => ({ kind: 'reply', reply: handle(handler, request, c), c }),
      };
  }
}

/** The front-end's reply; one that throws or rejects costs a 500 and an error count, never the process. */
function handle(
  handler: FrontEndHandler,
  request: SiteRequest,
  c: OperationCounters,
): SiteReply | Promise<SiteReply> {
  let result: SiteReply | Promise<SiteReply>;
  try {
    result = handler.handle(request);
  } catch {
    c.errors++;
    return INTERNAL_ERROR;
  }
  if (!(result instanceof Promise)) return result;
  return result.catch(() => {
    c.errors++;
    return INTERNAL_ERROR;
  });
}

/** A front-end's own fault answer; one that throws costs a 500 and an error count. */
function frontEndFault(make: () => SiteReply, c: OperationCounters): SiteReply {
  try {
    return make();
  } catch {
    c.errors++;
    return INTERNAL_ERROR;
  }
}

/** Byte length of a reply's body. */
export function replyLength(reply: SiteReply): number {
  const body = reply.body;
  return body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
}

/** Counts a reply that was written: its status class, bytes (none for HEAD) and SOAP fault code. */
export function countReply(c: OperationCounters, reply: SiteReply, isHead: boolean): void {
  c.status[statusClassOf(reply.status)]++;
  if (!isHead) c.bytesOut += replyLength(reply);
  if (reply.faultCode !== undefined) c.faults[reply.faultCode] = (c.faults[reply.faultCode] ?? 0) + 1;
}

export type { FrontEnd };
