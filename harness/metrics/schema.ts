// The metric schema: operation names, error kinds and units every sink, dashboard and summary uses.
// Latencies are recorded in microseconds (integers, as HdrHistogram wants) and reported in ms.

/** Operations the emulated fleet performs, in the order reports list them. */
export const OPERATIONS = [
  'mp.registration',
  'mp.policy.assignments',
  'mp.policy.body',
  'mp.location.wsus',
  'mp.location.content',
  'mp.statemsg',
  'wsus.GetConfig',
  'wsus.GetAuthorizationCookie',
  'wsus.GetCookie',
  'wsus.RegisterComputer',
  'wsus.SyncUpdates',
  'wsus.GetExtendedUpdateInfo',
  'wsus.GetFileLocations',
  'wsus.RefreshCache',
  'wsus.StartCategoryScan',
  'wsus.ReportEventBatch',
  'dp.head',
  'dp.get',
] as const;

export type KnownOperation = (typeof OPERATIONS)[number];
/** Any operation name; known ones sort first in reports, others (benchmarks, extensions) after. */
export type OperationName = KnownOperation | (string & {});

/** More distinct operation names than this per worker fold into OTHER_OPERATION (bounded memory). */
export const MAX_OPERATIONS = 64;
export const OTHER_OPERATION = 'other';

/**
 * Transport failures: the request got no complete, usable HTTP reply.
 * - `timeout`: no complete reply within the overall request deadline (headers + body, `http-limits.ts`);
 * - `reset`: the connection closed or reset before any reply byte;
 * - `refused`, `tls`: no connection, or a certificate not trusted;
 * - `truncated`: the reply started but the connection ended before its body was complete (shorter than
 *   its Content-Length, or a reset mid-body);
 * - `too-large`: the body passed the per-reply cap (or announced a Content-Length over it) or the worker's
 *   buffer budget, and reading stopped there; also a reply whose XML or inflated CCM body passes its cap;
 * - `aborted`: the run's drain deadline; `other`: anything else.
 */
export const TRANSPORT_ERRORS = [
  'timeout',
  'reset',
  'refused',
  'tls',
  'truncated',
  'too-large',
  'aborted',
  'other',
] as const;
export type TransportErrorKind = (typeof TRANSPORT_ERRORS)[number];

/**
 * A complete reply (status 200) the client could not use:
 * - `malformed-xml`: not well-formed XML (garbage, XML cut short by a short Content-Length);
 * - `refused-xml`: XML the client refuses to read: a DOCTYPE (entity bombs need one), nesting deeper than
 *   the parser's limit (100 levels);
 * - `bad-compression`: a compressed (CCM zlib) body that does not inflate (a bomb is `too-large`);
 * - `protocol`: well-formed, but not what the operation answers (wrong element, missing field, bad value).
 */
export const UNUSABLE_REPLY_ERRORS = ['malformed-xml', 'refused-xml', 'bad-compression', 'protocol'] as const;
export type UnusableReplyKind = (typeof UNUSABLE_REPLY_ERRORS)[number];

/**
 * Every error the run counts: transport failures, unusable replies, HTTP status classes of replies, and
 * SOAP faults by their WSUS ErrorCode (`soap:CookieExpired`; `soap:(no ErrorCode)` for a fault without
 * one, e.g. WCF's InternalServiceFault: see NO_ERROR_CODE in protocol/wsus/errors.ts).
 */
export type ErrorKind = TransportErrorKind | UnusableReplyKind | 'http-4xx' | 'http-5xx' | `soap:${string}`;

/** Every fixed error kind (SOAP ones are open-ended), e.g. for thresholds on a kind. */
export const FIXED_ERROR_KINDS: readonly string[] = [
  ...TRANSPORT_ERRORS,
  ...UNUSABLE_REPLY_ERRORS,
  'http-4xx',
  'http-5xx',
];

/** Why the engine did not send an action it was asked to send (generator health, not server errors). */
export const SKIP_REASONS = ['in-flight-limit', 'stopping'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Histogram range: 1 µs to 1 h; longer values are clamped to the top (and counted as timeouts anyway). */
export const HISTOGRAM_LOWEST_US = 1;
export const HISTOGRAM_HIGHEST_US = 3_600_000_000;
export const HISTOGRAM_DIGITS = 3;

export function operationOrder(a: string, b: string): number {
  const ia = (OPERATIONS as readonly string[]).indexOf(a);
  const ib = (OPERATIONS as readonly string[]).indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
