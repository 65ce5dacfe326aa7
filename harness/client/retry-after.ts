// How a 503 (or 429) reply's Retry-After is read: the one place, shared by the client's state-message
// post (which waits as long as the MP asks) and the driver. `nowMs` is given, never read here: the client
// layer keeps no wall clock of its own (its platform's `now` supplies it).

/** Longest Retry-After honoured, ms: a server asking for more is waited on at most this long. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * The wait a 503 (or 429) reply asks for, ms, from its Retry-After header (delta-seconds or an HTTP
 * date relative to `nowMs`); undefined when there is none or it does not parse. Capped at a day.
 */
export function retryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
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
