import { describe, expect, it } from 'vitest';
import {
  BytesError,
  base64Decode,
  base64Encode,
  concatBytes,
  hexDecode,
  hexEncode,
  latin1Decode,
  latin1Encode,
  utf8Decode,
  utf8Encode,
  utf16leDecode,
  utf16leEncode,
  utf16leWrite,
} from '../../protocol/bytes.ts';

describe('utf16le', () => {
  it('encodes little-endian with an optional FF FE mark', () => {
    expect([...utf16leEncode('A€')]).toEqual([0x41, 0x00, 0xac, 0x20]);
    expect([...utf16leEncode('A', true)]).toEqual([0xff, 0xfe, 0x41, 0x00]);
  });

  it('decodes, stripping the BOM and one trailing NUL', () => {
    expect(utf16leDecode(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x42, 0x00, 0x00, 0x00]))).toBe('AB');
    expect(utf16leDecode(new Uint8Array([0x41, 0x00, 0x00, 0x00, 0x00, 0x00]))).toBe('A\0');
    expect(utf16leDecode(new Uint8Array([]))).toBe('');
  });

  it('writes into an array at any offset, also of a view that starts at an odd byte', () => {
    const backing = new Uint8Array(12).fill(0xee);
    for (const out of [backing.subarray(0, 11), backing.subarray(1)]) {
      out.fill(0xee);
      expect(utf16leWrite(out, 1, 'A€')).toBe(5);
      expect(utf16leWrite(out, 6, 'B')).toBe(8);
      expect([...out.subarray(0, 9)]).toEqual([0xee, 0x41, 0x00, 0xac, 0x20, 0xee, 0x42, 0x00, 0xee]);
    }
  });

  it('round-trips surrogate pairs and long strings (chunked decode)', () => {
    const text = `😀${'x'.repeat(20_000)}é`;
    expect(utf16leDecode(utf16leEncode(text, true))).toBe(text);
  });
});

describe('utf8 (by hand: k6 has no TextEncoder/TextDecoder)', () => {
  /** A seeded xorshift, so a failure names bytes that can be replayed. */
  function randomBytes(seed: number, length: number): Uint8Array<ArrayBuffer> {
    let x = seed;
    return Uint8Array.from({ length }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
  }

  it('encodes as TextEncoder does, lone surrogates included', () => {
    const encoder = new TextEncoder();
    for (const text of [
      '',
      'plain ASCII',
      'é€😀',
      'a\uD800b',
      '\uDC00',
      'x\uDBFF',
      '\uD83D\uDE00\uD83D',
      '\u07FF\u0800\uFFFF',
    ]) {
      expect([...utf8Encode(text)], JSON.stringify(text)).toEqual([...encoder.encode(text)]);
    }
  });

  it('decodes as TextDecoder does: BOM dropped, each invalid subpart one U+FFFD', () => {
    const decoder = new TextDecoder('utf-8');
    const cases: Uint8Array<ArrayBuffer>[] = [
      [0xef, 0xbb, 0xbf, 0x41],
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf0, 0x9f, 0x98],
      [0xe2, 0x82],
      [0xff, 0x41, 0x80],
    ].map((b) => Uint8Array.from(b));
    for (let seed = 1; seed <= 200; seed++) cases.push(randomBytes(seed * 7919, 64));
    for (const bytes of cases) expect(utf8Decode(bytes), [...bytes].join(',')).toBe(decoder.decode(bytes));
    const long = `😀${'é'.repeat(20_000)}`;
    expect(utf8Decode(utf8Encode(long))).toBe(long);
  });
});

describe('latin1', () => {
  it('is what Buffer calls latin1, both ways', () => {
    const text = `caf\u00e9 \u00ff\u0100\u20ac${'z'.repeat(20_000)}`;
    expect([...latin1Encode(text)]).toEqual([...Buffer.from(text, 'latin1')]);
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(latin1Decode(all)).toBe(Buffer.from(all).toString('latin1'));
  });
});

describe('base64', () => {
  it('matches the standard alphabet and padding', () => {
    for (const s of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']) {
      const expected = globalThis.btoa(s);
      expect(base64Encode(utf8Encode(s))).toBe(expected);
      expect(utf8Decode(base64Decode(expected))).toBe(s);
    }
  });

  it('round-trips all byte values, tolerating whitespace and missing padding', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = base64Encode(all);
    expect([...base64Decode(text)]).toEqual([...all]);
    expect([...base64Decode(`${text.slice(0, 40)}\r\n  ${text.slice(40)}`)]).toEqual([...all]);
    expect(utf8Decode(base64Decode('Zm8'))).toBe('fo');
  });

  it('rejects garbage with a typed error', () => {
    expect(() => base64Decode('ab$d')).toThrow(BytesError);
    expect(() => base64Decode('ab=d')).toThrow(BytesError);
    expect(() => base64Decode('abcde')).toThrow(BytesError);
  });
});

describe('hex', () => {
  it('encodes upper-case and decodes either case', () => {
    expect(hexEncode(new Uint8Array([0, 0xab, 0xff]))).toBe('00ABFF');
    expect([...hexDecode('00abFF')]).toEqual([0, 0xab, 0xff]);
  });

  it('rejects odd length and non-hex characters', () => {
    expect(() => hexDecode('ABC')).toThrow(BytesError);
    expect(() => hexDecode('zz')).toThrow(BytesError);
  });
});

describe('concatBytes', () => {
  it('joins arrays in order', () => {
    expect([...concatBytes(new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3]))]).toEqual([
      1, 2, 3,
    ]);
  });
});
