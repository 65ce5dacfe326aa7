// The fleet partition of a k6 test: every client index exactly once across execution segments and VUs.
import { describe, expect, it } from 'vitest';
import { parseSegment, SliceError, segmentClientShare, vuSlice } from '../../harness/k6/segment.ts';

/** Every fleet index the VUs of a test own, in the order they own them. */
function owned(fleetSize: number, vuIds: number[], totalVus: number): number[] {
  return vuIds.flatMap((id) => {
    const s = vuSlice(fleetSize, totalVus, id);
    return Array.from({ length: s.count }, (_, l) => s.globalIndex(l));
  });
}

/** k6's VU numbers of an instance running [from, to) of a test with `total` VUs (contiguous here; k6
 *  stripes them by the segment sequence, which changes which numbers, not that they are disjoint). */
function vuIdsOf(total: number, segment: string): number[] {
  const [from, to] = parseSegment(segment);
  const ids: number[] = [];
  for (let id = Math.round(from * total) + 1; id <= Math.round(to * total); id++) ids.push(id);
  return ids;
}

describe('vuSlice', () => {
  it('4 instances × 25,000 clients are one fleet of 100,000, no client twice', () => {
    const segments = ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'];
    const totalVus = 100;
    const perInstance = segments.map((s) => owned(100_000, vuIdsOf(totalVus, s), totalVus));
    expect(perInstance.map((c) => c.length)).toEqual([25_000, 25_000, 25_000, 25_000]);
    expect(segments.map((s) => segmentClientShare(100_000, s))).toEqual([25_000, 25_000, 25_000, 25_000]);
    const all = perInstance.flat().sort((a, b) => a - b);
    expect(all).toHaveLength(100_000);
    all.forEach((c, i) => {
      if (c !== i) expect.fail(`client ${i} missing or twice (found ${c})`);
    });
  });

  it('covers every client exactly once for uneven sizes, and more VUs than clients', () => {
    for (const [fleet, vus] of [
      [1, 1],
      [7, 3],
      [1000, 7],
      [10, 16],
      [12, 2],
    ] as const) {
      const ids = Array.from({ length: vus }, (_, i) => i + 1);
      const all = owned(fleet, ids, vus).sort((a, b) => a - b);
      expect(all, `${fleet} clients over ${vus} VUs`).toEqual(Array.from({ length: fleet }, (_, i) => i));
    }
    // VU 16 of 16 in a fleet of 10 owns nothing.
    expect(vuSlice(10, 16, 16).count).toBe(0);
  });

  it('stripes like the swarm: VU n is shard n - 1', () => {
    const s = vuSlice(10, 3, 2);
    expect([s.shard, s.shards, s.count]).toEqual([1, 3, 3]);
    expect([0, 1, 2].map(s.globalIndex)).toEqual([1, 4, 7]);
  });

  it('refuses VU numbers outside the test', () => {
    expect(() => vuSlice(10, 3, 0)).toThrow(SliceError);
    expect(() => vuSlice(10, 3, 4)).toThrow(/vuIdInTest = 4/);
    expect(() => vuSlice(0, 3, 1)).toThrow(/fleetSize = 0/);
  });
});

describe('parseSegment', () => {
  it('reads k6 segments as fractions', () => {
    expect(parseSegment(undefined)).toEqual([0, 1]);
    expect(parseSegment('1/4:1/2')).toEqual([0.25, 0.5]);
    expect(parseSegment('0.5:1')).toEqual([0.5, 1]);
    expect(parseSegment('1/3')).toEqual([0, 1 / 3]);
    expect(() => parseSegment('1/2:1/4')).toThrow(/from < to/);
    expect(() => parseSegment('x:1')).toThrow(/bad fraction/);
  });
});
