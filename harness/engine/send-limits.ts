// How much a worker may have open at once: sockets per target origin (the transport's undici Pool) and
// requests in flight (the shard runner skips and counts anything above it, bounding memory). Both are
// per worker thread. One source for the defaults and the ranges the CLI and profiles accept.

/** Sockets per origin and worker (undici Pool `connections`). */
export const CONNECTIONS = { default: 64, min: 1, max: 10_000 } as const;

/** Requests in flight per worker before further ones are skipped as 'in-flight-limit'. */
export const MAX_IN_FLIGHT = { default: 10_000, min: 1, max: 1_000_000 } as const;
