// Sends one ClientRequest with the standard fetch API and reads its reply under the overall deadline
// (AbortSignal.timeout: headers and body) and the reply cap, naming failures by the client layer's error
// kinds (harness/client/error-kinds.ts). Web globals only: fetch, AbortSignal, Headers, ReadableStream.
import type { ClientReply, ClientRequest, TransportErrorKind } from '../client/index.ts';

export interface FetchSendLimits {
  /** Overall deadline of one request, ms (the swarm's default: harness/engine/http-limits.ts). */
  timeoutMs: number;
  /** Largest reply body kept, bytes; reading stops there and the request fails as `too-large`. */
  maxReplyBytes: number;
}

export type FetchOutcome =
  | { ok: true; reply: ClientReply; bytesOut: number }
  | { ok: false; kind: TransportErrorKind; message: string; bytesOut: number };

/** Headers fetch computes itself (or refuses in browsers): the request's framing is fetch's job. */
const FETCH_OWNED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

export async function sendWithFetch(
  request: ClientRequest,
  limits: FetchSendLimits,
  fetchFn: typeof fetch = fetch,
): Promise<FetchOutcome> {
  const started = Date.now();
  const body = typeof request.body === 'function' ? request.body() : request.body;
  const bytesOut =
    body === undefined ? 0 : typeof body === 'string' ? new TextEncoder().encode(body).length : body.length;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {}))
    if (!FETCH_OWNED.has(name.toLowerCase())) headers.set(name, value);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetchFn(request.origin + request.path, {
      method: request.method,
      headers,
      body: body as RequestInit['body'],
      signal,
      redirect: 'manual',
    });
  } catch (err) {
    return { ok: false, kind: failureKind(err, false), message: messageOf(err), bytesOut };
  }
  const replyHeaders: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    replyHeaders[name] = value;
  });
  const setCookie = response.headers.getSetCookie?.();
  if (setCookie !== undefined && setCookie.length > 1) replyHeaders['set-cookie'] = setCookie;
  const declared = response.headers.get('content-length');
  if (!request.discardBody && declared !== null && Number(declared) > limits.maxReplyBytes) {
    await response.body?.cancel().catch(() => undefined);
    return {
      ok: false,
      kind: 'too-large',
      message: `Content-Length ${declared} over the reply cap ${limits.maxReplyBytes}`,
      bytesOut,
    };
  }
  try {
    const read = await readBody(
      response,
      request.discardBody === true ? Number.POSITIVE_INFINITY : limits.maxReplyBytes,
    );
    if (read === null)
      return {
        ok: false,
        kind: 'too-large',
        message: `reply body over the cap ${limits.maxReplyBytes}`,
        bytesOut,
      };
    return {
      ok: true,
      reply: {
        status: response.status,
        headers: replyHeaders,
        body: request.discardBody === true ? new Uint8Array(0) : read,
        latencyMs: Date.now() - started,
      },
      bytesOut,
    };
  } catch (err) {
    return { ok: false, kind: failureKind(err, true), message: messageOf(err), bytesOut };
  }
}

/** The whole body, or null past `cap` (reading stops there). A discarded body is counted, not kept. */
async function readBody(response: Response, cap: number): Promise<Uint8Array | null> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const keep = Number.isFinite(cap);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    if (keep) chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(keep ? total : 0);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Error codes of Node's fetch (undici) and of the system calls under it, by failure kind. Browsers give
 *  a bare TypeError with no cause: those count as `reset` before the reply, `truncated` during its body. */
const CODES: Record<string, TransportErrorKind> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'refused',
  EAI_AGAIN: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'truncated',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
};

function failureKind(err: unknown, duringBody: boolean): TransportErrorKind {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError') return 'aborted';
  let cause: unknown = err;
  for (let depth = 0; depth < 4 && cause !== null && typeof cause === 'object'; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && CODES[code] !== undefined) {
      const kind = CODES[code];
      // A connection reset once the reply has started is a cut body.
      return duringBody && kind === 'reset' ? 'truncated' : kind;
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  if (err instanceof TypeError) return duringBody ? 'truncated' : 'reset';
  return 'other';
}

function messageOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } } | null;
  const cause = e?.cause?.message;
  return cause !== undefined ? `${e?.message}: ${cause}` : String(e?.message ?? err);
}
