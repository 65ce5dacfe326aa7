// `--threshold` values: the profile's threshold fields (profiles/schema.ts, metrics/thresholds.ts) in
// one-line form, so a CI job can tighten a limit without writing a profile file:
//   p95:wsus.SyncUpdates<500ms   p95:*<2s   errorRate<0.01   errorRate:malformed-xml<0.001
//   maxBacklogAge<2h   latenessP99<50ms
// Durations use the profile syntax ('500ms', '2s', '1h30m', or a bare number of ms).
import { parseDuration } from '../../profiles/duration.ts';
import { FIXED_ERROR_KINDS } from '../metrics/schema.ts';
import type { Thresholds } from '../metrics/thresholds.ts';

export const THRESHOLD_SYNTAX =
  "expected 'p95:<operation>' (or 'p95:*') '<' a duration, 'errorRate<' a fraction 0..1, " +
  "'errorRate:<error kind><' a fraction (kinds: " +
  FIXED_ERROR_KINDS.join(', ') +
  ", soap:<ErrorCode>), 'maxBacklogAge<' a duration or 'latenessP99<' a duration, e.g. 'p95:wsus.SyncUpdates<500ms'";

export class ThresholdFlagError extends Error {
  override readonly name = 'ThresholdFlagError';
  constructor(
    readonly value: string,
    readonly expected: string,
  ) {
    super(`--threshold ${JSON.stringify(value)}: ${expected}`);
  }
}

function durationMs(text: string, value: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) : parseDuration(text);
  if (ms === undefined || !(ms > 0)) throw new ThresholdFlagError(value, `${THRESHOLD_SYNTAX} (limit > 0)`);
  return ms;
}

/** Adds one `--threshold` value to `into` (later values win for the same limit). */
export function applyThresholdFlag(into: Thresholds, value: string): Thresholds {
  const m = /^\s*([A-Za-z0-9]+)(?::([^<]+))?\s*<\s*(\S+)\s*$/.exec(value);
  if (!m) throw new ThresholdFlagError(value, THRESHOLD_SYNTAX);
  const [, metric, operation, limit] = m as unknown as [string, string, string | undefined, string];
  switch (metric) {
    case 'p95': {
      const op = operation?.trim();
      if (!op) throw new ThresholdFlagError(value, `p95 needs an operation: ${THRESHOLD_SYNTAX}`);
      return { ...into, p95Ms: { ...into.p95Ms, [op]: durationMs(limit, value) } };
    }
    case 'errorRate': {
      const rate = Number(limit);
      if (!/^\d*\.?\d+$/.test(limit) || rate > 1) {
        throw new ThresholdFlagError(value, `errorRate takes a fraction from 0 to 1: ${THRESHOLD_SYNTAX}`);
      }
      if (operation === undefined) return { ...into, errorRate: rate };
      const kind = operation.trim();
      if (!FIXED_ERROR_KINDS.includes(kind) && !/^soap:\S+$/.test(kind)) {
        throw new ThresholdFlagError(value, `unknown error kind '${kind}': ${THRESHOLD_SYNTAX}`);
      }
      return { ...into, errorRateByKind: { ...into.errorRateByKind, [kind]: rate } };
    }
    case 'maxBacklogAge':
      if (operation !== undefined) throw new ThresholdFlagError(value, THRESHOLD_SYNTAX);
      return { ...into, maxBacklogAgeMs: durationMs(limit, value) };
    case 'latenessP99':
      if (operation !== undefined) throw new ThresholdFlagError(value, THRESHOLD_SYNTAX);
      return { ...into, latenessP99Ms: durationMs(limit, value) };
    default:
      throw new ThresholdFlagError(value, THRESHOLD_SYNTAX);
  }
}

/** The profile's thresholds in the metrics module's shape (maxBacklogAge is a duration there). */
export function thresholdsOfProfile(t: {
  p95Ms?: Record<string, number>;
  errorRate?: number;
  maxBacklogAge?: number;
  latenessP99Ms?: number;
}): Thresholds {
  return {
    ...(t.p95Ms ? { p95Ms: { ...t.p95Ms } } : {}),
    ...(t.errorRate !== undefined ? { errorRate: t.errorRate } : {}),
    ...(t.maxBacklogAge !== undefined ? { maxBacklogAgeMs: t.maxBacklogAge } : {}),
    ...(t.latenessP99Ms !== undefined ? { latenessP99Ms: t.latenessP99Ms } : {}),
  };
}
