// The request-side helpers clients share instead of writing headers inline: the quoted SOAPAction of each
// WSUS operation, the DP `Range` header and the PROPFIND request. Checked against what real clients sent
// (the captures) and against the parsers the reference site uses on them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRangeHeader, parseRange, propfindRequest } from '../../protocol/dp/index.ts';
import {
  operationFromSoapAction,
  soapActionFor,
  soapActionHeader,
  WSUS_OPERATIONS,
} from '../../protocol/wsus/index.ts';
import { WSUS_CAPTURES_DIR } from '../paths.ts';
import { loadExchanges } from './wsus/captures.ts';

describe('soapActionHeader', () => {
  it('is byte-identical to the SOAPAction header real WUA sent, for every captured operation', () => {
    const exchanges = loadExchanges();
    const ops = new Set(exchanges.map((x) => x.operation));
    // The captures cover all three services (client, SimpleAuth, reporting), so each namespace is proven.
    expect([...ops]).toEqual(
      expect.arrayContaining(['GetConfig', 'GetAuthorizationCookie', 'SyncUpdates', 'ReportEventBatch']),
    );
    for (const x of exchanges) expect(soapActionHeader(x.operation), x.name).toBe(x.soapAction);
  });

  it('quotes the action URI of every operation and maps back to the operation', () => {
    for (const op of WSUS_OPERATIONS) {
      const value = soapActionHeader(op);
      expect(value).toBe(`"${soapActionFor(op)}"`);
      expect(operationFromSoapAction(value)).toBe(op);
    }
  });
});

describe('formatRangeHeader', () => {
  const dir = join(WSUS_CAPTURES_DIR, 'wsus-m0-native', 'content-headers');
  const captured = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const text = readFileSync(join(dir, e.name, 'request.headers'), 'latin1');
      const line = text.split('\r\n').find((l) => /^range:/i.test(l));
      return { name: e.name, range: line?.slice('range:'.length).trim() };
    });

  it('writes the Range header exactly as the captured real clients did', () => {
    expect(captured).toHaveLength(4);
    for (const { name, range } of captured) {
      expect(range, name).toMatch(/^bytes=\d+-\d+$/);
      const asked = parseRange(range, Number.MAX_SAFE_INTEGER);
      if (asked === undefined || typeof asked === 'string') throw new Error(`${name}: ${String(asked)}`);
      expect(formatRangeHeader(asked.start, asked.end), name).toBe(range);
    }
  });

  it('asks for exactly the inclusive range the server parser reads back', () => {
    const size = 10_000;
    for (const [start, end] of [
      [0, 0],
      [0, 1_048_575],
      [9_999, 9_999],
      [4_096, 8_191],
    ] as const) {
      expect(parseRange(formatRangeHeader(start, end), size)).toEqual({
        start,
        end: Math.min(end, size - 1),
      });
    }
  });

  it('refuses positions a server would ignore, naming the field and what is valid', () => {
    expect(() => formatRangeHeader(-1, 10)).toThrow(/range start = -1: must be a whole number >= 0/);
    expect(() => formatRangeHeader(1.5, 10)).toThrow(/range start = 1.5/);
    expect(() => formatRangeHeader(Number.NaN, 10)).toThrow(/range start = NaN/);
    expect(() => formatRangeHeader(10, 9)).toThrow(/range end = 9: must be a whole number >= start \(10\)/);
    expect(() => formatRangeHeader(0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('propfindRequest', () => {
  it('is a body-less PROPFIND with Depth 1 by default (the folder and its files)', () => {
    expect(propfindRequest()).toEqual({ method: 'PROPFIND', headers: { depth: '1' } });
    expect(propfindRequest(0)).toEqual({ method: 'PROPFIND', headers: { depth: '0' } });
    expect(propfindRequest()).not.toHaveProperty('body');
  });

  it('refuses a depth other than 0 or 1', () => {
    expect(() => propfindRequest(2 as 0)).toThrow(/PROPFIND depth = 2: must be 0 or 1/);
  });
});
