// The request path of every SUP/MP/DP listener: route, shed what is over the front-end's in-flight limit,
// buffer the body under a limit, classify, inject faults, call the front-end, write its reply, count
// everything. A front-end that throws costs one 500, never the process.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { originalMethod } from './custom-methods.ts';
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

export interface ListenerContext {
  role: ListenerRole;
  secure: boolean;
  frontEnds: FrontEnds;
  stats: SiteStats;
  faults: FaultInjector;
  maxRequestBytes: number;
  /** Shared by every listener, so HTTP and HTTPS requests of one front-end count against one limit. */
  inFlight: InFlightLimits;
  /** SUP services at non-default first path segments (see routeRequest). */
  extraSupSegments?: ReadonlySet<string>;
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const EMPTY = Buffer.alloc(0);
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
const TOO_LARGE: SiteReply = {
  status: 413,
  headers: { 'content-type': TEXT },
  body: 'Request Entity Too Large',
  close: true,
};
/** How long the connection of a refused (413) body keeps reading what the client still sends before it
 *  closes (answerThenDrain): long enough for a client on a fast link to finish, short enough to free it. */
const LINGER_MS = 5_000;
const INTERNAL_ERROR: SiteReply = {
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

export function createRequestHandler(ctx: ListenerContext): RequestHandler {
  const { stats, faults, frontEnds, maxRequestBytes, secure, role, inFlight, extraSupSegments } = ctx;

  return (req, res) => {
    // Once per request, in order: it also consumes the socket's record of a rewritten CCM_POST.
    const method = originalMethod(req.method, req.socket);
    const host = req.headers.host;
    if (host !== undefined && host !== '' && !VALID_HOST.test(host)) {
      req.resume();
      const c = stats.counters(UNROUTED, 'InvalidHostname');
      c.requests++;
      writeReply(res, INVALID_HOSTNAME, c, method === 'HEAD');
      return;
    }
    const rawPath = req.url ?? '/';
    const route = routeRequest(role, secure, rawPath, extraSupSegments);
    if (route.kind === 'unknown') {
      req.resume();
      const c = stats.counters(UNROUTED, 'UnknownPath');
      c.requests++;
      writeReply(res, NOT_FOUND, c, method === 'HEAD');
      return;
    }
    // Like HTTP.sys with a full queue: decided on the request line and headers, before any body is read.
    if (!inFlight.tryEnter(route.frontEnd)) {
      shed(req, method, res, route);
      return;
    }
    // 'close' follows the end of every response, and a connection that dies first: exactly one release.
    res.once('close', inFlight.release[route.frontEnd]);

    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxRequestBytes) {
      refuseTooLarge(req, method, res, route);
      return;
    }
    // Fast path: nothing to read (GET/HEAD and most probes).
    if ((declared === undefined || declared === '0') && req.headers['transfer-encoding'] === undefined) {
      req.resume();
      dispatch(req, method, res, route, EMPTY);
      return;
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxRequestBytes) {
        refused = true;
        refuseTooLarge(req, method, res, route);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      dispatch(req, method, res, route, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', () => {
      // The client went away mid-body; there is nobody to answer.
    });
  };

  function siteRequest(req: IncomingMessage, method: string, frontEnd: FrontEnd, body: Buffer): SiteRequest {
    const port = req.socket.localPort ?? 0;
    return {
      method,
      url: requestUrl(req.url ?? '/', secure, req.headers.host, port),
      headers: req.headers,
      body,
      frontEnd,
      secure,
      port,
    };
  }

  function classify(handler: FrontEndHandler, request: SiteRequest): string {
    try {
      return handler.operationOf(request) || 'Unknown';
    } catch {
      return 'Unknown';
    }
  }

  function shed(req: IncomingMessage, method: string, res: ServerResponse, route: Route): void {
    if (route.kind === 'unknown') return;
    req.resume();
    const frontEnd = route.frontEnd;
    let operation =
      route.kind === 'refuse'
        ? route.operation
        : classify(frontEnds[frontEnd], siteRequest(req, method, frontEnd, EMPTY));
    // Without the body a CCM_POST's endpoint is unknown: count it under its method rather than 'Unknown'.
    if (operation === 'Unknown' && method === 'CCM_POST') operation = method;
    const c = stats.counters(frontEnd, operation);
    c.requests++;
    c.overloaded++;
    writeReply(res, SERVICE_UNAVAILABLE, c, method === 'HEAD');
  }

  function refuseTooLarge(req: IncomingMessage, method: string, res: ServerResponse, route: Route): void {
    if (route.kind === 'unknown') return;
    const frontEnd = route.frontEnd;
    const operation =
      route.kind === 'refuse'
        ? route.operation
        : classify(frontEnds[frontEnd], siteRequest(req, method, frontEnd, EMPTY));
    const c = stats.counters(frontEnd, operation);
    c.requests++;
    c.tooLarge++;
    answerThenDrain(req, res, TOO_LARGE, c);
  }

  function dispatch(
    req: IncomingMessage,
    method: string,
    res: ServerResponse,
    route: Route,
    body: Buffer,
  ): void {
    if (route.kind === 'unknown') return;
    const isHead = method === 'HEAD';
    if (route.kind === 'refuse') {
      const c = stats.counters(route.frontEnd, route.operation);
      c.requests++;
      c.bytesIn += body.length;
      writeReply(
        res,
        { status: route.status, headers: { 'content-type': TEXT }, body: route.reason },
        c,
        isHead,
      );
      return;
    }

    const handler = frontEnds[route.frontEnd];
    const request = siteRequest(req, method, route.frontEnd, body);
    const operation = classify(handler, request);
    const c = stats.counters(route.frontEnd, operation);
    c.requests++;
    c.bytesIn += body.length;

    const decision = faults.decide(route.frontEnd, operation);
    if (decision === NO_FAULT) {
      answer(res, handler, request, c, isHead);
      return;
    }
    if (decision.latencyMs > 0) {
      c.injected.delayed++;
      wait(res, decision.latencyMs, () => applyFault(res, handler, request, operation, decision, c, isHead));
    } else {
      applyFault(res, handler, request, operation, decision, c, isHead);
    }
  }

  function applyFault(
    res: ServerResponse,
    handler: FrontEndHandler,
    request: SiteRequest,
    operation: string,
    decision: FaultDecision,
    c: OperationCounters,
    isHead: boolean,
  ): void {
    switch (decision.action) {
      case 'none':
        answer(res, handler, request, c, isHead);
        return;
      case 'busy':
        c.injected.busy++;
        writeReply(
          res,
          frontEndFault(() => handler.busyReply(operation), c),
          c,
          isHead,
        );
        return;
      case 'http503':
        c.injected.http503++;
        writeReply(res, SERVICE_UNAVAILABLE, c, isHead);
        return;
      case 'errorCode': {
        c.injected.errorCode++;
        // Rules with an ErrorCode are SUP-only (validated); a front-end without such faults answers 500.
        const { errorCode } = decision;
        const reply =
          handler.errorCodeReply !== undefined && errorCode !== undefined
            ? frontEndFault(() => handler.errorCodeReply!(operation, errorCode), c)
            : INTERNAL_ERROR;
        writeReply(res, reply, c, isHead);
        return;
      }
      case 'reset':
        c.injected.reset++;
        resetConnection(res);
        return;
      case 'stall':
        c.injected.stall++;
        // Without a duration the request is held until the client gives up and closes the connection.
        if (decision.stallMs !== undefined)
          wait(res, decision.stallMs, () => answer(res, handler, request, c, isHead));
        return;
    }
  }
}

function answer(
  res: ServerResponse,
  handler: FrontEndHandler,
  request: SiteRequest,
  c: OperationCounters,
  isHead: boolean,
): void {
  let result: SiteReply | Promise<SiteReply>;
  try {
    result = handler.handle(request);
  } catch {
    c.errors++;
    writeReply(res, INTERNAL_ERROR, c, isHead);
    return;
  }
  if (result instanceof Promise) {
    result.then(
      (reply) => writeReply(res, reply, c, isHead),
      () => {
        c.errors++;
        writeReply(res, INTERNAL_ERROR, c, isHead);
      },
    );
  } else {
    writeReply(res, result, c, isHead);
  }
}

/** A front-end's own fault answer; one that throws costs a 500 and an error count, never the process. */
function frontEndFault(make: () => SiteReply, c: OperationCounters): SiteReply {
  try {
    return make();
  } catch {
    c.errors++;
    return INTERNAL_ERROR;
  }
}

/**
 * Sends `reply` (and closes) at once, but ends the response, which closes the connection, only once the
 * client has sent the rest of its body or LINGER_MS have passed. A socket closed with unread bytes sends
 * a TCP RST, and a client still writing a large body then loses the answer (EPIPE/ECONNRESET instead of
 * the 413). The rest of the body is read and dropped, never buffered.
 */
function answerThenDrain(
  req: IncomingMessage,
  res: ServerResponse,
  reply: SiteReply,
  c: OperationCounters,
): void {
  if (res.destroyed || res.writableEnded) {
    c.aborted++;
    return;
  }
  const body = String(reply.body ?? '');
  const length = Buffer.byteLength(body);
  res.writeHead(reply.status, { ...reply.headers, 'content-length': length, connection: 'close' });
  res.write(body);
  c.status[statusClassOf(reply.status)]++;
  c.bytesOut += length;
  const finish = (): void => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(finish, LINGER_MS);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
  if (req.complete) {
    finish();
    return;
  }
  req.once('end', finish);
  req.resume();
}

function writeReply(res: ServerResponse, reply: SiteReply, c: OperationCounters, isHead: boolean): void {
  if (res.destroyed || res.writableEnded) {
    c.aborted++;
    return;
  }
  const body = reply.body;
  const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const given = reply.headers;
  let headers: OutgoingHttpHeaders;
  if (
    given !== undefined &&
    (given['content-length'] !== undefined || given['Content-Length'] !== undefined)
  ) {
    // The front-end knows best (HEAD of a DP file announces the file's size with no body).
    headers = reply.close ? { ...given, connection: 'close' } : given;
  } else {
    headers = reply.close
      ? { ...given, 'content-length': length, connection: 'close' }
      : { ...given, 'content-length': length };
  }
  try {
    res.writeHead(reply.status, headers);
    res.end(isHead ? undefined : body);
  } catch {
    // Bad headers from a front-end: the status line may already be gone, so only the socket can tell.
    c.errors++;
    res.destroy();
    return;
  }
  c.status[statusClassOf(reply.status)]++;
  if (!isHead) c.bytesOut += length;
  if (reply.faultCode !== undefined) c.faults[reply.faultCode] = (c.faults[reply.faultCode] ?? 0) + 1;
}

/** The request's URL on this listener's origin. A Host header (or absolute-form target) that is no valid
 *  authority must not throw out of the request handler, which would take the whole site down: the
 *  listener's own origin stands in, as IIS answers for its binding whatever the client wrote. */
function requestUrl(target: string, secure: boolean, host: string | undefined, port: number): URL {
  const scheme = secure ? 'https' : 'http';
  const own = `${scheme}://localhost:${port}`;
  if (host !== undefined) {
    try {
      return new URL(target, `${scheme}://${host}`);
    } catch {
      // fall through to the listener's origin
    }
  }
  try {
    return new URL(target, own);
  } catch {
    return new URL('/', own);
  }
}

/** Runs `then` after `ms` unless the connection closes first. */
function wait(res: ServerResponse, ms: number, then: () => void): void {
  const timer = setTimeout(() => {
    res.off('close', cancel);
    then();
  }, ms);
  const cancel = (): void => clearTimeout(timer);
  res.once('close', cancel);
}

/** Drops the connection without an answer: a TCP RST where the socket supports it, else a plain close. */
function resetConnection(res: ServerResponse): void {
  const socket = res.socket as
    | (NonNullable<ServerResponse['socket']> & { resetAndDestroy?: () => void })
    | null;
  if (socket === null) return;
  try {
    if (typeof socket.resetAndDestroy === 'function' && !('encrypted' in socket)) socket.resetAndDestroy();
    else socket.destroy();
  } catch {
    socket.destroy();
  }
}
