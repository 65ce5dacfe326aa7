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

export {
  type ErrorKind,
  TRANSPORT_ERRORS,
  type TransportErrorKind,
  UNUSABLE_REPLY_ERRORS,
  type UnusableReplyKind,
} from '../client/error-kinds.ts';

import { TRANSPORT_ERRORS, UNUSABLE_REPLY_ERRORS } from '../client/error-kinds.ts';

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
