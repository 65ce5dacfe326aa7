// The request path of every SUP/MP/DP listener over node:http: read the method (CCM_POST), buffer the body
// under the limit, and write what site/dispatch.ts decides (route, shed, classify, inject faults, call the
// front-end, count) onto the connection. A front-end that throws costs one 500, never the process.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { originalMethod } from './custom-methods.ts';
import {
  type Answer,
  admit,
  countReply,
  type DispatchContext,
  dispatch,
  replyLength,
  shedAnswer,
  TOO_LARGE,
  tooLargeCounters,
} from './dispatch.ts';
import type { Route } from './routes.ts';
import type { OperationCounters } from './stats.ts';
import type { FrontEnd, SiteReply, SiteRequest } from './types.ts';

export type { FrontEnds } from './dispatch.ts';

export type ListenerContext = DispatchContext;

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const EMPTY = Buffer.alloc(0);

/** How long the connection of a refused (413) body keeps reading what the client still sends before it
 *  closes (answerThenDrain): long enough for a client on a fast link to finish, short enough to free it. */
const LINGER_MS = 5_000;

export function createRequestHandler(ctx: ListenerContext): RequestHandler {
  const { maxRequestBytes, secure, inFlight } = ctx;

  return (req, res) => {
    // Once per request, in order: it also consumes the socket's record of a rewritten CCM_POST.
    const method = originalMethod(req.method, req.socket);
    const isHead = method === 'HEAD';
    const admission = admit(ctx, req.headers.host, req.url ?? '/');
    if (admission.kind !== 'route') {
      req.resume();
      write(res, admission, isHead);
      return;
    }
    const { route } = admission;
    // Like HTTP.sys with a full queue: decided on the request line and headers, before any body is read.
    if (!inFlight.tryEnter(route.frontEnd)) {
      req.resume();
      write(res, shedAnswer(ctx, route, siteRequest(req, method, route.frontEnd, EMPTY)), isHead);
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
      write(res, dispatch(ctx, route, siteRequest(req, method, route.frontEnd, EMPTY)), isHead);
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
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      write(res, dispatch(ctx, route, siteRequest(req, method, route.frontEnd, body)), isHead);
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

  function refuseTooLarge(req: IncomingMessage, method: string, res: ServerResponse, route: Route): void {
    if (route.kind === 'unknown') return;
    const c = tooLargeCounters(ctx, route, siteRequest(req, method, route.frontEnd, EMPTY));
    answerThenDrain(req, res, TOO_LARGE, c);
  }
}

/** Carries out a dispatch decision on a connection. */
function write(res: ServerResponse, answer: Answer, isHead: boolean): void {
  switch (answer.kind) {
    case 'reply': {
      const { reply, c } = answer;
      if (reply instanceof Promise) reply.then((r) => writeReply(res, r, c, isHead));
      else writeReply(res, reply, c, isHead);
      return;
    }
    case 'reset':
      resetConnection(res);
      return;
    case 'later':
      wait(res, answer.ms, () => write(res, answer.next(), isHead));
      return;
    case 'hold':
      return;
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
  countReply(c, reply, false);
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
  const given = reply.headers;
  let headers: OutgoingHttpHeaders;
  if (
    given !== undefined &&
    (given['content-length'] !== undefined || given['Content-Length'] !== undefined)
  ) {
    // The front-end knows best (HEAD of a DP file announces the file's size with no body).
    headers = reply.close ? { ...given, connection: 'close' } : given;
  } else {
    const length = replyLength(reply);
    headers = reply.close
      ? { ...given, 'content-length': length, connection: 'close' }
      : { ...given, 'content-length': length };
  }
  try {
    res.writeHead(reply.status, headers);
    res.end(isHead ? undefined : reply.body);
  } catch {
    // Bad headers from a front-end: the status line may already be gone, so only the socket can tell.
    c.errors++;
    res.destroy();
    return;
  }
  countReply(c, reply, isHead);
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
