// HdrHistogram construction in one place. We use hdr-histogram-js's *packed* JS implementation:
// - packed: memory grows with the number of distinct buckets actually hit, not the value range, so a
//   1 µs .. 1 h histogram per operation per worker costs a few KB while latencies cluster;
// - JS, not WebAssembly: the WASM build must be initialised asynchronously in every worker thread and
//   its histograms must be `destroy()`ed by hand (they live outside the GC heap), which makes leaks
//   easy in a long run; the JS one is synchronous, garbage-collected and plenty fast for ~1e5 records/s.
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';
import { HISTOGRAM_DIGITS, HISTOGRAM_HIGHEST_US, HISTOGRAM_LOWEST_US } from './schema.ts';

export type { Histogram };

export function newHistogram(): Histogram {
  return build({
    bitBucketSize: 'packed',
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
  return decodeFromCompressedBase64(encoded, 'packed', false);
}

/** Percentile in ms (0 when empty). */
export function percentileMs(h: Histogram, percentile: number): number {
  return h.totalCount === 0 ? 0 : h.getValueAtPercentile(percentile) / 1000;
}
