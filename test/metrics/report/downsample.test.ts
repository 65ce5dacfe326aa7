// The report's downsampling: bounded point count for any run length, extremes kept where asked, means
// where asked, and absent figures drawn as 0 or as gaps by series.
import { describe, expect, it } from 'vitest';
import { Downsampler } from '../../../harness/metrics/report/downsample.ts';

const extremes = { mode: 'extremes', missing: 'gap' } as const;
const mean = { mode: 'mean', missing: 'gap' } as const;

/** A noisy series with one spike up and one dip down at known places. */
function signal(i: number): number {
  if (i === 61_234) return 5_000;
  if (i === 17_777) return -300;
  return 100 + 50 * Math.sin(i / 500) + ((i * 7919) % 13);
}

describe('Downsampler', () => {
  it('keeps every sample of a short run as is', () => {
    const d = new Downsampler(100);
    for (let i = 0; i < 80; i++) d.add(i * 1000, { a: i * 2 });
    const { x, series } = d.points(() => extremes);
    expect(x).toEqual(Array.from({ length: 80 }, (_, i) => i * 1000));
    expect(series.a).toEqual(Array.from({ length: 80 }, (_, i) => i * 2));
  });

  it('draws a day of one-second intervals with at most 2 × maxBuckets points, spike and dip kept', () => {
    const d = new Downsampler(1000);
    const n = 86_400;
    for (let i = 0; i < n; i++) d.add(i * 1000, { a: signal(i) });
    const { x, series } = d.points(() => extremes);
    expect(d.samples).toBe(n);
    expect(x.length).toBeLessThanOrEqual(2000);
    expect(x.length).toBeGreaterThan(1000);
    expect(series.a).toHaveLength(x.length);
    const values = series.a!.filter((v): v is number => v !== null);
    expect(Math.max(...values)).toBe(5_000);
    expect(Math.min(...values)).toBe(-300);
    // The spike is drawn near where it happened (within one bucket of 2 × 86,400 / 1000 samples).
    const at = x[series.a!.indexOf(5_000)]!;
    expect(Math.abs(at - 61_234_000)).toBeLessThanOrEqual((2 * n * 1000) / 1000);
    // x stays ascending, first and last samples are on the axis.
    expect(x.every((t, i) => i === 0 || t >= x[i - 1]!)).toBe(true);
    expect(x[0]).toBe(0);
    expect(x.at(-1)).toBe((n - 1) * 1000);
  });

  it('draws a mean series as each bucket’s mean (total preserved)', () => {
    const d = new Downsampler(10);
    for (let i = 0; i < 64; i++) d.add(i, { a: i % 2 === 0 ? 10 : 30 });
    const { series } = d.points(() => mean);
    expect(new Set(series.a)).toEqual(new Set([20]));
  });

  it('draws a missing counter as 0 and a missing gauge as a gap', () => {
    const d = new Downsampler(100);
    d.add(0, { requests: 5, latency: 12 });
    d.add(1, {});
    d.add(2, { requests: 7, latency: 15 });
    const { series } = d.points((k) =>
      k === 'requests' ? { mode: 'extremes', missing: 'zero' } : { mode: 'extremes', missing: 'gap' },
    );
    expect(series.requests).toEqual([5, 0, 7]);
    expect(series.latency).toEqual([12, null, 15]);
  });

  it('counts absent samples as 0 inside a bucket of a zero-filled series (minimum and mean)', () => {
    const d = new Downsampler(2);
    // 8 samples into at most 2 buckets: 4 per bucket.
    for (let i = 0; i < 8; i++) d.add(i, i === 2 ? { e: 8 } : {});
    const ex = d.points(() => ({ mode: 'extremes', missing: 'zero' }));
    expect(ex.series.e!.slice(0, 2).sort()).toEqual([0, 8]);
    expect(ex.series.e!.slice(2)).toEqual([0, 0]);
    const m = d.points(() => ({ mode: 'mean', missing: 'zero' }));
    expect(m.series.e!.slice(0, 2)).toEqual([2, 2]);
  });

  it('keeps times ascending when a sample comes with an earlier time', () => {
    const d = new Downsampler(10);
    d.add(10, { a: 1 });
    d.add(5, { a: 2 });
    const { x, series } = d.points(() => extremes);
    expect(x).toEqual([10, 10]);
    expect(series.a).toEqual([1, 2]);
  });

  it('refuses a bucket count that cannot hold a series', () => {
    expect(() => new Downsampler(1)).toThrow(/maxBuckets 1/);
  });
});
