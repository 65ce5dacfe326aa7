// Bounded time series for the report: a run of any length (a day at ×1 is 86,400 one-second intervals)
// becomes at most 2 × maxBuckets points per series. Samples go into buckets of equal sample count; when
// the buckets are full, neighbours merge pairwise and the bucket size doubles, so memory is fixed while
// the run goes on and the same code serves the live `--out html` output and `patchstorm report DIR`.
// Each bucket keeps count, sum, min and max (with when they happened) of every series, so a series can
// be drawn as its mean or with its extremes kept (a scan wave's peak must not be averaged away).

/** How a bucket of several samples is drawn: its two extremes in the order they happened, or its mean. */
export type BucketMode = 'extremes' | 'mean';
/** What a sample without a value of the series means: nothing happened (0), or no figure (a gap). */
export type MissingAs = 'zero' | 'gap';

export interface SeriesRule {
  mode: BucketMode;
  missing: MissingAs;
}

/** Default number of buckets: at most 2,000 points per series. */
export const DEFAULT_MAX_BUCKETS = 1000;

interface Agg {
  n: number;
  sum: number;
  min: number;
  minAt: number;
  max: number;
  maxAt: number;
}

interface Bucket {
  samples: number;
  /** Time of the first and last sample in the bucket. */
  t0: number;
  t1: number;
  values: Map<string, Agg>;
}

export interface DownsampledSeries {
  /** x values (e.g. virtual epoch ms), ascending. */
  x: number[];
  /** One array per series, aligned with x; null = no figure there. */
  series: Record<string, (number | null)[]>;
}

export class Downsampler {
  #buckets: Bucket[] = [];
  #perBucket = 1;
  #lastT = Number.NEGATIVE_INFINITY;
  readonly #keys = new Set<string>();
  #samples = 0;

  constructor(readonly maxBuckets = DEFAULT_MAX_BUCKETS) {
    if (!Number.isInteger(maxBuckets) || maxBuckets < 2)
      throw new Error(`maxBuckets ${maxBuckets}: need an integer ≥ 2`);
  }

  /** Samples taken so far (not points kept). */
  get samples(): number {
    return this.#samples;
  }

  /** Series names seen so far, in order of first appearance. */
  get keys(): readonly string[] {
    return [...this.#keys];
  }

  /** One sample: the figures of every series at time t (times are kept ascending: an earlier t counts as the last one). */
  add(t: number, values: Readonly<Record<string, number>>): void {
    const at = Math.max(t, this.#lastT);
    this.#lastT = at;
    this.#samples++;
    let bucket = this.#buckets.at(-1);
    if (!bucket || bucket.samples >= this.#perBucket) {
      bucket = { samples: 0, t0: at, t1: at, values: new Map() };
      this.#buckets.push(bucket);
    }
    bucket.samples++;
    bucket.t1 = at;
    for (const [key, v] of Object.entries(values)) {
      if (!Number.isFinite(v)) continue;
      this.#keys.add(key);
      const agg = bucket.values.get(key);
      if (!agg) {
        bucket.values.set(key, { n: 1, sum: v, min: v, minAt: at, max: v, maxAt: at });
        continue;
      }
      agg.n++;
      agg.sum += v;
      if (v < agg.min) {
        agg.min = v;
        agg.minAt = at;
      }
      if (v > agg.max) {
        agg.max = v;
        agg.maxAt = at;
      }
    }
    if (this.#buckets.length > this.maxBuckets) this.#halve();
  }

  /** The points to draw: one per single-sample bucket, two (first and last time) per larger bucket. */
  points(ruleOf: (key: string) => SeriesRule): DownsampledSeries {
    const x: number[] = [];
    const keys = [...this.#keys];
    const rules = keys.map(ruleOf);
    const series: Record<string, (number | null)[]> = {};
    for (const key of keys) series[key] = [];
    for (const b of this.#buckets) {
      const two = b.samples > 1 && b.t1 > b.t0;
      x.push(b.t0);
      if (two) x.push(b.t1);
      keys.forEach((key, i) => {
        const [first, second] = bucketValues(b, b.values.get(key), rules[i]!);
        // Samples all at one time make one point: the later of the two values.
        if (two) series[key]!.push(first, second);
        else series[key]!.push(second);
      });
    }
    return { x, series };
  }

  #halve(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.#buckets.length; i += 2) {
      const a = this.#buckets[i]!;
      const b = this.#buckets[i + 1];
      merged.push(b ? mergeBuckets(a, b) : a);
    }
    this.#buckets = merged;
    this.#perBucket *= 2;
  }
}

function mergeBuckets(a: Bucket, b: Bucket): Bucket {
  const values = new Map(a.values);
  for (const [key, y] of b.values) {
    const x = values.get(key);
    if (!x) {
      values.set(key, y);
      continue;
    }
    values.set(key, {
      n: x.n + y.n,
      sum: x.sum + y.sum,
      ...(y.min < x.min ? { min: y.min, minAt: y.minAt } : { min: x.min, minAt: x.minAt }),
      ...(y.max > x.max ? { max: y.max, maxAt: y.maxAt } : { max: x.max, maxAt: x.maxAt }),
    });
  }
  return { samples: a.samples + b.samples, t0: a.t0, t1: b.t1, values };
}

/** The bucket's value at its first and at its last time. */
function bucketValues(b: Bucket, agg: Agg | undefined, rule: SeriesRule): [number | null, number | null] {
  const zeroFill = rule.missing === 'zero';
  if (!agg) return zeroFill ? [0, 0] : [null, null];
  // With 'zero', samples without the series count as 0: they lower the mean and can be the minimum.
  const absent = b.samples - agg.n;
  if (rule.mode === 'mean') {
    const mean = agg.sum / (zeroFill ? b.samples : agg.n);
    return [mean, mean];
  }
  let { min, minAt } = agg;
  if (zeroFill && absent > 0 && 0 < min) {
    min = 0;
    minAt = agg.maxAt > b.t0 ? b.t0 : b.t1;
  }
  return minAt <= agg.maxAt ? [min, agg.max] : [agg.max, min];
}
