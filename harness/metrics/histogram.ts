// HdrHistogram construction in one place. We use hdr-histogram-js's pure-JS typed-array
// implementation, not its WebAssembly build and not its "packed" buckets:
// - not WebAssembly: the WASM build must be initialised asynchronously in every worker thread and its
//   histograms must be `destroy()`ed by hand (they live outside the GC heap), which makes leaks easy
//   in a long run; the JS one is synchronous and garbage-collected;
// - Int32 buckets in workers, not packed: recording is a plain array increment, where the packed
//   array walks an index on every record and every merge (it showed up at several % of a worker's
//   and the coordinator's CPU in profiles). The cost is memory: ~93 KB per histogram for 1 µs..1 h
//   at 3 digits, a fixed ~2 MB per worker with every operation in use, the same for any run length;
// - Float64 buckets for run totals on the coordinator, so no bucket can overflow in a days-long run.
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';
import { HISTOGRAM_DIGITS, HISTOGRAM_HIGHEST_US, HISTOGRAM_LOWEST_US } from './schema.ts';

export type { Histogram };

/** `total`: a run-long accumulator (64-bit buckets); otherwise an interval histogram (32-bit). */
export function newHistogram(kind: 'interval' | 'total' = 'interval'): Histogram {
  return build({
    bitBucketSize: kind === 'total' ? 64 : 32,
    useWebAssembly: false,
    autoResize: false,
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_DIGITS,
  });
}

/** Records a duration given in ms as whole µs, clamped into the histogram's range. */
export function recordMs(h: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  h.recordValue(Math.min(Math.max(us, HISTOGRAM_LOWEST_US), HISTOGRAM_HIGHEST_US));
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32, false);
}

/** Percentile in ms (0 when empty). */
export function percentileMs(h: Histogram, percentile: number): number {
  return h.totalCount === 0 ? 0 : h.getValueAtPercentile(percentile) / 1000;
}
