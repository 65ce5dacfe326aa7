// The reference site answering requests without a socket: a plain request object in, a plain reply out,
// through the same decision path as the listeners (dispatch.ts: Host check, routing, shedding, body limit,
// classification, fault injection, front-end, counting). For in-process harnesses (patchstorm/msw) and
// tests that want the site's answers without ports.
import type { IncomingHttpHeaders } from 'node:http';
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
import { InFlightLimits } from './in-flight.ts';
import type { StartSiteOptions } from './options.ts';
import type { ListenerRole } from './routes.ts';
import { createSiteCore, type SiteCore } from './site-core.ts';
import type { FrontEnd, SiteRequest } from './types.ts';

export interface InProcessSite extends SiteCore {
  /** The front-ends' request queues (the same limits the listeners apply). */
  inFlight: InFlightLimits;
}

/** A site with no listener, no TLS material and no observer; `supUrls` is what its MP hands out. */
export function createInProcessSite(options: StartSiteOptions = {}): InProcessSite {
  const core = createSiteCore(options);
  const { config } = core.resolved;
  return Object.assign(core, {
    inFlight: new InFlightLimits({
      sup: config.supMaxInFlight,
      mp: config.mpMaxInFlight,
      dp: config.dpMaxInFlight,
    }),
  });
}

export interface PlainRequest {
  method: string;
  /** Absolute URL: its scheme says HTTP or HTTPS, its authority is the Host unless headers.host is given. */
  url: string;
  /** Header names in any case; a repeated header as an array. */
  headers?: Record<string, string | string[] | undefined>;
  body?: Uint8Array;
  /** A held request (an injected stall without a duration) ends when this aborts. */
  signal?: AbortSignal;
}

export interface PlainReply {
  status: number;
  /** Lower-case names; content-length always present (a HEAD announces the length of the body it omits). */
  headers: Record<string, string>;
  /** Empty for HEAD. */
  body: Uint8Array;
}

/** What an injected reset or a held request ends in: the connection is gone, there is no reply. */
export class SiteConnectionDropped extends Error {
  constructor(readonly reason: 'reset' | 'aborted') {
    super(
      reason === 'reset' ? 'the site reset the connection (injected fault)' : 'the held request was aborted',
    );
    this.name = 'SiteConnectionDropped';
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * One request to the site's `role` listener (`sup`: WSUS services and content; `mp`: the MP and the
 * co-located DP). Rejects with SiteConnectionDropped where a socket would have been reset or held.
 */
export async function handleSiteRequest(
  site: InProcessSite,
  role: ListenerRole,
  request: PlainRequest,
): Promise<PlainReply> {
  const url = new URL(request.url);
  const secure = url.protocol === 'https:';
  const headers = lowerCaseHeaders(request.headers ?? {});
  headers.host ??= url.host;
  const method = request.method.toUpperCase() === 'CCM_POST' ? 'CCM_POST' : request.method;
  const isHead = method === 'HEAD';
  const ctx: DispatchContext = {
    role,
    secure,
    frontEnds: { sup: site.sup, mp: site.mp, dp: site.dp },
    stats: site.stats,
    faults: site.faults,
    maxRequestBytes: site.model.config.maxRequestBytes,
    inFlight: site.inFlight,
    extraSupSegments: new Set(site.extraSupSegments.map((s) => s.toLowerCase())),
  };
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const siteRequest = (frontEnd: FrontEnd, body: Buffer): SiteRequest => ({
    method,
    url,
    headers,
    body,
    frontEnd,
    secure,
    port,
  });

  const admission = admit(ctx, headers.host, url.pathname + url.search);
  if (admission.kind !== 'route') return settle(admission, isHead, request.signal);
  const { route } = admission;
  if (!site.inFlight.tryEnter(route.frontEnd))
    return settle(shedAnswer(ctx, route, siteRequest(route.frontEnd, EMPTY)), isHead, request.signal);
  try {
    const body = request.body ?? EMPTY;
    if (body.length > ctx.maxRequestBytes) {
      const c = tooLargeCounters(ctx, route, siteRequest(route.frontEnd, EMPTY));
      return settle({ kind: 'reply', reply: TOO_LARGE, c }, isHead, request.signal);
    }
    const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return await settle(dispatch(ctx, route, siteRequest(route.frontEnd, buffer)), isHead, request.signal);
  } finally {
    site.inFlight.release[route.frontEnd]();
  }
}

/** Carries out a dispatch decision the way a listener would, minus the socket. */
async function settle(answer: Answer, isHead: boolean, signal: AbortSignal | undefined): Promise<PlainReply> {
  switch (answer.kind) {
    case 'reply': {
      const reply = await answer.reply;
      countReply(answer.c, reply, isHead);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(reply.headers ?? {}))
        headers[name.toLowerCase()] = String(value);
      headers['content-length'] ??= String(replyLength(reply));
      if (reply.close) headers.connection = 'close';
      const body =
        reply.body === undefined || isHead
          ? EMPTY
          : typeof reply.body === 'string'
            ? Buffer.from(reply.body)
            : reply.body;
      return {
        status: reply.status,
        headers,
        body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
      };
    }
    case 'reset':
      throw new SiteConnectionDropped('reset');
    case 'later':
      await delay(answer.ms, signal);
      return settle(answer.next(), isHead, signal);
    case 'hold':
      await delay(Number.POSITIVE_INFINITY, signal);
      throw new SiteConnectionDropped('aborted');
  }
}

/** Waits `ms` (for ever when infinite) unless `signal` aborts first, which rejects. */
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SiteConnectionDropped('aborted'));
      return;
    }
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    const abort = (): void => {
      clearTimeout(timer);
      reject(new SiteConnectionDropped('aborted'));
    };
    signal?.addEventListener('abort', abort, { once: true });
    function done(): void {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
  });
}

function lowerCaseHeaders(given: Record<string, string | string[] | undefined>): IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    // node:http joins repeated headers with ', ' (set-cookie stays a list); front-ends read it that way.
    out[key] = Array.isArray(value) && key !== 'set-cookie' ? value.join(', ') : value;
  }
  return out as IncomingHttpHeaders;
}
