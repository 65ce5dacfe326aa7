// Drives one prepared request with autocannon (closed model: `connections` sockets, each sending the
// next request when the last answer arrived) and counts every answer that is not a good one by the same
// error kinds as `patchstorm run` (http-4xx/5xx, soap:<ErrorCode>, timeout, reset, refused, tls, other).
// A cookie fault (or the cookie's clear-text expiry coming near) renews the cookie in the background, as
// a client would, and later requests carry the new one.
import { METHODS } from 'node:http';
import autocannon from 'autocannon';
import { replyErrorKind } from '../client/reply-errors.ts';
import type { PreparedRequest } from './requests.ts';

export interface LoadOptions {
  connections: number;
  durationS: number;
  /** Per-request timeout, s (autocannon's). */
  timeoutS: number;
  /** Stops the load early (Ctrl-C): the figures cover what was sent until then. */
  signal?: AbortSignal;
  tls: { ca?: Buffer; insecure?: boolean };
}

export interface LoadFigures {
  name: string;
  url: string;
  connections: number;
  durationS: number;
  requests: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  errorsByKind: Record<string, number>;
  /** Times the cookie was renewed during the run. */
  renewals: number;
  bytesIn: number;
}

/** Renew this long before the cookie's clear-text expiry. */
const RENEW_AHEAD_MS = 60_000;
const COOKIE_FAULTS = new Set(['soap:CookieExpired', 'soap:InvalidCookie']);

const KNOWN_METHODS = new Set(METHODS);
type RequestIteratorInternals = {
  requestIterator: { requestBuilder: (req: unknown, ctx: unknown) => Buffer | null; rebuildRequest(): void };
};

/**
 * autocannon builds raw request bytes but refuses methods outside http.METHODS. For CCM_POST it builds a
 * POST and the request line gets the "CCM_" prefix (the rest of the bytes are the same).
 */
function sendCustomMethod(client: autocannon.Client, method: string): void {
  const iterator = (client as unknown as RequestIteratorInternals).requestIterator;
  const buildPost = iterator.requestBuilder.bind(iterator);
  iterator.requestBuilder = (req, ctx) => {
    const bytes = buildPost(req, ctx);
    return bytes === null ? null : Buffer.concat([Buffer.from(method.slice(0, -'POST'.length)), bytes]);
  };
  iterator.rebuildRequest();
}

function transportKind(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'EPROTO') return 'tls';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'other';
}

export async function loadOne(prepared: PreparedRequest, options: LoadOptions): Promise<LoadFigures> {
  let current = prepared;
  let renewing: Promise<void> | undefined;
  let renewals = 0;
  let renewFailure: Error | undefined;
  const errorsByKind: Record<string, number> = {};
  const count = (kind: string) => {
    errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
  };
  const renew = () => {
    if (renewing || !current.renew) return;
    renewing = current
      .renew()
      .then((next) => {
        current = next;
        renewals++;
      })
      .catch((err: Error) => {
        renewFailure = err;
      })
      .finally(() => {
        renewing = undefined;
      });
  };
  const request = current.request;
  const custom = !KNOWN_METHODS.has(request.method);
  if (custom && !request.method.endsWith('POST'))
    throw new Error(`cannot send ${request.method} with autocannon`);
  const u = new URL(request.url);
  const tracker = autocannon({
    url: u.origin,
    connections: options.connections,
    duration: options.durationS,
    timeout: options.timeoutS,
    tlsOptions: {
      ...(options.tls.ca ? { ca: [options.tls.ca] } : {}),
      rejectUnauthorized: !options.tls.insecure,
    },
    requests: [
      {
        method: (custom ? 'POST' : request.method) as autocannon.Request['method'],
        path: u.pathname + u.search,
        setupRequest: (req: autocannon.Request) => {
          if (current.expiresAt !== undefined && Date.now() > current.expiresAt - RENEW_AHEAD_MS) renew();
          const r = current.request;
          return { ...req, headers: r.headers, ...(r.body ? { body: r.body } : {}) };
        },
        onResponse: (status: number, body: string) => {
          if (status === current.request.expectStatus) return;
          const kind =
            replyErrorKind(status, Buffer.from(body ?? '', 'latin1')) ?? `http-${Math.floor(status / 100)}xx`;
          count(kind);
          if (COOKIE_FAULTS.has(kind)) renew();
        },
      },
    ],
    setupClient: (client: autocannon.Client) => {
      if (custom) sendCustomMethod(client, request.method);
      // The typings list only some of the client's events; 'error' and 'timeout' are emitted too.
      const events = client as unknown as NodeJS.EventEmitter;
      events.on('error', (err: NodeJS.ErrnoException) => count(transportKind(err)));
      events.on('timeout', () => count('timeout'));
    },
  } as autocannon.Options) as unknown as Promise<autocannon.Result> & { stop(): void };
  const stop = () => tracker.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  // The tracker is only thenable (no finally).
  let result: autocannon.Result;
  try {
    result = await tracker;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  await renewing;
  if (renewFailure) count('renewal-failed');
  const errors = Object.values(errorsByKind).reduce((a, b) => a + b, 0);
  return {
    name: request.name,
    url: request.url,
    connections: options.connections,
    durationS: options.durationS,
    requests: result.requests.total,
    perSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    errors,
    errorsByKind,
    renewals,
    bytesIn: result.throughput.total,
  };
}
