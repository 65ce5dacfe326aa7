import { describe, expect, it } from 'vitest';
import { formatLatency, formatMs } from '../../harness/metrics/format.ts';

describe('latency formatting', () => {
  it('keeps table cells in ms whatever the size (columns are headed "ms")', () => {
    expect(formatMs(0.5)).toBe('0.50');
    expect(formatMs(42.25)).toBe('42.3');
    expect(formatMs(10_600)).toBe('10600');
  });

  it('gives running text its unit, switching to seconds from 10 s', () => {
    expect(formatLatency(3.55)).toBe('3.5 ms');
    expect(formatLatency(881)).toBe('881 ms');
    expect(formatLatency(10_600)).toBe('10.6 s');
  });
});
