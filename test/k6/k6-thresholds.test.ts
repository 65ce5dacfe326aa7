import { describe, expect, it } from 'vitest';
import { k6Thresholds } from '../../harness/cli/k6-thresholds.ts';

describe('k6Thresholds', () => {
  it("turns a profile's limits into k6 thresholds and names the ones k6 cannot check", () => {
    const r = k6Thresholds({
      p95Ms: { 'wsus.SyncUpdates': 500, '*': 2000 },
      errorRate: 0.01,
      maxBacklogAgeMs: 7_200_000,
    });
    expect(r.thresholds).toEqual({
      'patchstorm_latency{op:wsus.SyncUpdates}': ['p(95)<=500'],
      patchstorm_latency: ['p(95)<=2000'],
      patchstorm_error_rate: ['rate<=0.01'],
    });
    expect(r.notConverted).toEqual([expect.stringMatching(/^maxBacklogAge/)]);
    expect(k6Thresholds({})).toEqual({ thresholds: {}, notConverted: [] });
  });
});
