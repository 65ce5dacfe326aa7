// The one transport retry policy of every HTTP client (the swarm's transport and the driver share the
// transport that applies it), and how a 503's Retry-After is read.
//
// protocol-reference Appendix B: some servers close a keep-alive socket after every reply without
// `Connection: close`. A request written on such a socket fails with a reset before any reply byte. It
// is retried once on a fresh connection. Only a request on a *reused* socket: a reset of a new socket's
// first request is the server's own doing, and the request may already have been processed (a POST
// must not go twice).
import type { TransportErrorKind } from '../metrics/schema.ts';

/** Fresh-socket retries per request. */
export const RESET_RETRIES = 1;

export interface AttemptOutcome {
  kind: TransportErrorKind;
  /** The reply's status line had arrived. */
  replyStarted: boolean;
  /** The request went out on a socket that had already served a request. */
  socketReused: boolean;
  /** Retries already made for this request. */
  retries: number;
}

/** True when a failed attempt is retried once on a fresh socket. */
export function retryOnFreshSocket(o: AttemptOutcome): boolean {
  return o.kind === 'reset' && !o.replyStarted && o.socketReused && o.retries < RESET_RETRIES;
}

/** Longest Retry-After honoured, ms: a server asking for more is waited on at most this long. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * The wait a 503 (or 429) reply asks for, ms, from its Retry-After header (delta-seconds or an HTTP
 * date relative to `nowMs`); undefined when there is none or it does not parse. Capped at a day.
 */
export function retryAfterMs(
  value: string | string[] | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  let ms: number;
  if (/^\d+$/.test(raw)) ms = Number(raw) * 1000;
  else {
    const at = Date.parse(raw);
    if (!Number.isFinite(at)) return undefined;
    ms = Math.max(0, at - nowMs);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
