// How long a request may take and how much of a reply a client may hold: the one home of these limits
// for every HTTP client of the project (the swarm's transport, discovery, conformance, the tests).

/**
 * Overall deadline of one request, wall ms: from sending to the last body byte (headers + body, and the
 * fresh-socket retry included). undici's own body timeout restarts on every byte, so a server that drips
 * one byte a second would hold a request for ever without it. Failures count as `timeout`.
 */
export const REQUEST_TIMEOUT_MS = { default: 30_000, min: 100, max: 3_600_000 } as const;

/** Largest reply body kept in memory; reading stops at the cap and the request fails as `too-large`. */
export const MAX_REPLY_BYTES = { default: 64 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024 } as const;

/**
 * Reply bytes one client (one swarm worker, one discovery or conformance client) holds at once, summed
 * over its requests in flight. A reply that would push the sum over it stops reading and fails as
 * `too-large`, so memory is bounded by configuration, not by what servers send: per worker at most
 * this many bytes of bodies (plus one copy of the largest reply while it is handed over).
 */
export const MAX_BUFFERED_BYTES = {
  default: 256 * 1024 * 1024,
  min: 1024,
  max: 16 * 1024 * 1024 * 1024,
} as const;

/** The limits a client runs with; each field falls back to its default above. */
export interface HttpLimits {
  /** Overall deadline per request, ms. */
  timeoutMs?: number;
  /** Largest reply body, bytes. */
  maxBodyBytes?: number;
  /** Reply bytes held at once over all requests in flight, bytes. */
  maxBufferedBytes?: number;
}
