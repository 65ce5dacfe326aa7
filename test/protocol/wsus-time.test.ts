// The three timestamp styles on the wire plus date-only LastChangeTime, both directions.
import { describe, expect, it } from 'vitest';
import {
  WsusProtocolError,
  formatWsusDate,
  formatWsusTime,
  parseWsusTime,
} from '../../protocol/wsus/index.ts';

const T = Date.UTC(2026, 9, 4, 16, 3, 35, 996); // 2026-10-04T16:03:35.996Z

describe('formatWsusTime', () => {
  it('wsus style: UTC, Z, fraction with trailing zeros dropped like .NET', () => {
    expect(formatWsusTime(T, 'wsus')).toBe('2026-10-04T16:03:35.996Z');
    expect(formatWsusTime(Date.UTC(2026, 9, 4, 13, 17, 7, 590), 'wsus')).toBe('2026-10-04T13:17:07.59Z');
    expect(formatWsusTime(Date.UTC(2026, 9, 4, 15, 3, 36), 'wsus')).toBe('2026-10-04T15:03:36Z');
  });

  it('wsus style carries sub-millisecond digits into the 7-digit fraction', () => {
    expect(formatWsusTime(Date.UTC(2026, 0, 1) + 0.5, 'wsus')).toBe('2026-01-01T00:00:00.0005Z');
    expect(formatWsusTime(Date.UTC(2026, 0, 1, 0, 0, 0, 123) + 0.4567, 'wsus')).toMatch(
      /^2026-01-01T00:00:00\.123456\dZ$/,
    );
  });

  it('offset style: 6-digit fraction and +00:00', () => {
    expect(formatWsusTime(T, 'offset')).toBe('2026-10-04T16:03:35.996000+00:00');
  });

  it('plain style: 6-digit fraction, no zone', () => {
    expect(formatWsusTime(T, 'plain')).toBe('2026-10-04T16:03:35.996000');
  });

  it('date-only', () => {
    expect(formatWsusDate(T)).toBe('2026-10-04');
  });

  it('refuses a non-finite time', () => {
    expect(() => formatWsusTime(Number.NaN, 'wsus')).toThrow(RangeError);
  });
});

describe('parseWsusTime', () => {
  it.each([
    ['2026-10-04T16:03:35.996Z', T],
    ['2026-10-04T16:03:35.996000+00:00', T],
    ['2026-10-04T16:03:35.996000', T],
    ['2026-10-04T18:03:35.996+02:00', T],
    ['2026-10-04T12:03:35.996-0400', T],
    ['2026-10-04', Date.UTC(2026, 9, 4)],
    ['2026-10-04T15:03:36Z', Date.UTC(2026, 9, 4, 15, 3, 36)],
    ['  2026-10-04T15:03Z ', Date.UTC(2026, 9, 4, 15, 3)],
  ])('%s', (text, ms) => {
    expect(parseWsusTime(text)).toBe(ms);
  });

  it('keeps the 7-digit fraction of real WSUS as sub-millisecond ms', () => {
    const ms = parseWsusTime('2026-10-04T16:03:35.9967236Z');
    expect(ms - Date.UTC(2026, 9, 4, 16, 3, 35, 996)).toBeCloseTo(0.7236, 3);
  });

  it('round-trips every style at millisecond precision', () => {
    for (const style of ['wsus', 'offset', 'plain'] as const) {
      for (const ms of [0, T, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2038, 0, 19, 3, 14, 8, 1)]) {
        expect(parseWsusTime(formatWsusTime(ms, style))).toBe(ms);
      }
    }
    expect(parseWsusTime(formatWsusDate(T))).toBe(Date.UTC(2026, 9, 4));
  });

  it.each([
    '',
    'yesterday',
    '2026-13-01',
    '2026-10-04T25:00:00Z',
    '2026-10-04 16:03:35',
    '2026-10-04T16:03:35.Z',
  ])('refuses %j with a typed error', (text) => {
    expect(() => parseWsusTime(text)).toThrow(WsusProtocolError);
  });
});
