// The one transport retry policy of every HTTP client (the swarm's transport and the driver share the
// transport that applies it), and how a 503's Retry-After is read (harness/client/retry-after.ts).
//
// protocol-reference Appendix B: some servers close a keep-alive socket after every reply without
// `Connection: close`. A request written on such a socket fails with a reset before any reply byte. It
// is retried once on a fresh connection. Only a request on a *reused* socket: a reset of a new socket's
// first request is the server's own doing, and the request may already have been processed (a POST
// must not go twice).
import { retryAfterMs as clientRetryAfterMs } from '../client/retry-after.ts';
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

/**
 * The wait a 503 (or 429) reply asks for (harness/client/retry-after.ts), an HTTP date read against the
 * wall clock unless `nowMs` says otherwise.
 */
export function retryAfterMs(
  value: string | string[] | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  return clientRetryAfterMs(value, nowMs);
}

export { MAX_RETRY_AFTER_MS } from '../client/retry-after.ts';
