// The per-client nibble array: detection state and queued-message flags side by side.
import { describe, expect, it } from 'vitest';
import {
  clearQueued,
  Detection,
  detectionAt,
  ensureCapacity,
  has402Queued,
  has500Queued,
  queue402,
  queue500,
  setDetection,
} from '../../harness/fleet/compliance.ts';

describe('compliance nibbles', () => {
  it('keeps neighbouring positions independent', () => {
    const arr = ensureCapacity(new Uint8Array(0), 5);
    setDetection(arr, 0, Detection.Installed);
    setDetection(arr, 1, Detection.Required);
    setDetection(arr, 4, Detection.NotRequired);
    expect(queue500(arr, 1)).toBe(true);
    expect(queue500(arr, 1)).toBe(false);
    expect(queue402(arr, 0)).toBe(true);
    expect([0, 1, 2, 3, 4].map((p) => detectionAt(arr, p))).toEqual([3, 2, 0, 0, 1]);
    expect([has500Queued(arr, 0), has500Queued(arr, 1), has402Queued(arr, 0), has402Queued(arr, 1)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    clearQueued(arr, 1);
    expect([has500Queued(arr, 1), detectionAt(arr, 1)]).toEqual([false, 2]);
    setDetection(arr, 1, Detection.Installed);
    expect([detectionAt(arr, 0), detectionAt(arr, 1), has402Queued(arr, 0)]).toEqual([3, 3, true]);
  });

  it('grows without losing states', () => {
    const small = ensureCapacity(new Uint8Array(0), 3);
    setDetection(small, 2, Detection.Required);
    const big = ensureCapacity(small, 500);
    expect(big.length).toBeGreaterThanOrEqual(250);
    expect(detectionAt(big, 2)).toBe(Detection.Required);
    expect(ensureCapacity(big, 10)).toBe(big);
  });
});
