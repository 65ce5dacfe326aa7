// Distribution checks for schedule tests.

/** Pearson chi-square statistic of `samples` in [0, span) against a uniform distribution over `buckets`. */
export function chiSquareUniform(samples: readonly number[], span: number, buckets: number): number {
  const counts = new Array<number>(buckets).fill(0);
  for (const s of samples) {
    const b = Math.min(buckets - 1, Math.floor((s / span) * buckets));
    counts[b] = (counts[b] ?? 0) + 1;
  }
  const expected = samples.length / buckets;
  return counts.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
}

/** Chi-square critical values at p = 0.001 by degrees of freedom. */
export const CHI2_CRITICAL_P001: Record<number, number> = { 11: 31.26, 23: 49.73 };
