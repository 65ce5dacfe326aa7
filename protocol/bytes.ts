// Byte helpers shared by the protocol codecs. Written by hand over Uint8Array (no Buffer, no btoa/atob)
// so the same code runs in Node, the reference site and a k6 bundle.
// UTF-16 matters because ConfigMgr messaging is UTF-16LE end to end (Msg header with BOM, bodies NUL-ended).

/** A malformed encoded input (bad base64 or hex text). */
export class BytesError extends Error {
  override readonly name = 'BytesError';
  constructor(
    message: string,
    readonly kind: 'base64' | 'hex',
  ) {
    super(message);
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes a string as UTF-16LE, optionally preceded by the FF FE byte-order mark. */
export function utf16leEncode(text: string, bom = false): Uint8Array {
  const offset = bom ? 2 : 0;
  const out = new Uint8Array(offset + text.length * 2);
  if (bom) {
    out[0] = 0xff;
    out[1] = 0xfe;
  }
  utf16leWrite(out, offset, text);
  return out;
}

/** Writes text as UTF-16LE into `out` at byte `offset` (room for text.length * 2 bytes); returns the end. */
export function utf16leWrite(out: Uint8Array, offset: number, text: string): number {
  if (LITTLE_ENDIAN_HOST && (out.byteOffset + offset) % 2 === 0) {
    // A Uint16Array view writes both bytes at once: ~3x faster on a 170 KB report than byte stores.
    const units = new Uint16Array(out.buffer, out.byteOffset + offset, text.length);
    for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
    return offset + text.length * 2;
  }
  for (let i = 0, j = offset; i < text.length; i++, j += 2) {
    const code = text.charCodeAt(i);
    out[j] = code & 0xff;
    out[j + 1] = code >>> 8;
  }
  return offset + text.length * 2;
}

const DECODE_CHUNK = 8192;

/**
 * Turns whole UTF-16LE code units into text, lone surrogates kept as they are. A platform with a native
 * decoder passes it to utf16leDecoderOver (in Node, Buffer#toString('utf16le'): ~10x faster than the
 * portable loop below on a few KB, and it allocates no arrays of numbers).
 */
export type Utf16leUnitsDecode = (units: Uint8Array) => string;

/** A UTF-16LE decoder with utf16leDecode's contract: `(bytes) => text`. */
export type Utf16leDecode = (bytes: Uint8Array) => string;

/** The whole code units of UTF-16LE bytes: without a leading BOM, one trailing NUL and a trailing odd byte. */
function codeUnitsOf(bytes: Uint8Array): Uint8Array {
  let start = 0;
  let units = bytes.length >>> 1;
  if (units > 0 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    start = 2;
    units--;
  }
  if (units > 0 && bytes[start + (units - 1) * 2] === 0 && bytes[start + (units - 1) * 2 + 1] === 0) units--;
  return bytes.subarray(start, start + units * 2);
}

/** utf16leDecode's contract (BOM and one trailing NUL stripped, odd byte ignored) over `decodeUnits`. */
export function utf16leDecoderOver(decodeUnits: Utf16leUnitsDecode): Utf16leDecode {
  return (bytes) => decodeUnits(codeUnitsOf(bytes));
}

/** The portable units decoder: chunks of code units through String.fromCharCode. */
function decodeUnitsPortably(bytes: Uint8Array): string {
  const units = bytes.length >>> 1;
  const parts: string[] = [];
  const codes = new Array<number>(Math.min(units, DECODE_CHUNK));
  for (let u = 0; u < units; u += DECODE_CHUNK) {
    const n = Math.min(DECODE_CHUNK, units - u);
    codes.length = n;
    for (let k = 0; k < n; k++) {
      const p = (u + k) * 2;
      codes[k] = bytes[p]! | (bytes[p + 1]! << 8);
    }
    parts.push(String.fromCharCode.apply(null, codes));
  }
  return parts.join('');
}

/**
 * Decodes UTF-16LE bytes. Strips a leading BOM and one trailing NUL (ConfigMgr bodies end with one).
 * A trailing odd byte is ignored: it cannot be part of a UTF-16 code unit.
 */
export function utf16leDecode(bytes: Uint8Array): string {
  return decodeUnitsPortably(codeUnitsOf(bytes));
}

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Index of the first lone surrogate in decoded UTF-16 text (a high one without its low half, or a low
 * one alone), or -1 when the text is well-formed. utf16leDecode takes any code units; callers that must
 * refuse text no UTF-16 writer produces ask here.
 */
export function loneSurrogateAt(text: string): number {
  if (!SURROGATE.test(text)) return -1;
  return LONE_SURROGATE.exec(text)?.index ?? -1;
}

// UTF-8 by hand: k6 v0.48 has no TextEncoder/TextDecoder (docs/k6-runtime.md), and protocol/ must load
// there. Both follow the WHATWG Encoding Standard, so they give what TextEncoder/TextDecoder give: a lone
// surrogate encodes as U+FFFD, each maximal invalid subpart decodes as one U+FFFD, a leading BOM is
// dropped. Only policy bodies in UTF-8 go through here (a few per run), so speed is not the point.

/** Encodes text as UTF-8 (WHATWG: a lone surrogate becomes U+FFFD, EF BF BD). */
export function utf8Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >>> 6);
      out[o++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[o++] = 0xf0 | (c >>> 18);
        out[o++] = 0x80 | ((c >>> 12) & 63);
        out[o++] = 0x80 | ((c >>> 6) & 63);
        out[o++] = 0x80 | (c & 63);
        continue;
      }
      c = 0xfffd;
    }
    out[o++] = 0xe0 | (c >>> 12);
    out[o++] = 0x80 | ((c >>> 6) & 63);
    out[o++] = 0x80 | (c & 63);
  }
  return out.slice(0, o);
}

/** Decodes UTF-8 (WHATWG, as TextDecoder('utf-8') does: BOM dropped, invalid subparts as U+FFFD). */
export function utf8Decode(bytes: Uint8Array): string {
  const units: number[] = [];
  const parts: string[] = [];
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    const b = bytes[i++]!;
    if (b < 0x80) units.push(b);
    else {
      // Sequence length and the allowed range of the second byte (no overlongs, no surrogates, ≤ U+10FFFF).
      let need = 0;
      let lo = 0x80;
      let hi = 0xbf;
      let cp = 0;
      if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        cp = b & 0xf;
        if (b === 0xe0) lo = 0xa0;
        if (b === 0xed) hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        cp = b & 7;
        if (b === 0xf0) lo = 0x90;
        if (b === 0xf4) hi = 0x8f;
      }
      let ok = need > 0;
      for (let k = 0; ok && k < need; k++) {
        const c = bytes[i];
        if (c === undefined || c < lo || c > hi) ok = false;
        else {
          cp = (cp << 6) | (c & 63);
          i++;
          lo = 0x80;
          hi = 0xbf;
        }
      }
      if (!ok) units.push(0xfffd);
      else if (cp < 0x10000) units.push(cp);
      else units.push(0xd800 + ((cp - 0x10000) >>> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    }
    if (units.length >= DECODE_CHUNK) {
      parts.push(String.fromCharCode.apply(null, units));
      units.length = 0;
    }
  }
  parts.push(String.fromCharCode.apply(null, units));
  return parts.join('');
}

/** Latin-1 (ISO 8859-1) bytes of text: each UTF-16 code unit's low byte, as Node's 'latin1' encoding. */
export function latin1Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Text of Latin-1 bytes: one character per byte. */
export function latin1Decode(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += DECODE_CHUNK) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(at, at + DECODE_CHUNK) as unknown as number[]));
  }
  return parts.join('');
}

/** Joins byte arrays into one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Standard base64 with padding. */
export function base64Encode(bytes: Uint8Array): string {
  const out: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out.push(B64[n >>> 18]!, B64[(n >>> 12) & 63]!, B64[(n >>> 6) & 63]!, B64[n & 63]!);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out.push(B64[n >>> 18]!, B64[(n >>> 12) & 63]!, '==');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out.push(B64[n >>> 18]!, B64[(n >>> 12) & 63]!, B64[(n >>> 6) & 63]!, '=');
  }
  return out.join('');
}

/**
 * Decodes base64. Whitespace (XML text wraps it) and missing padding are accepted;
 * any other character, or padding in the middle, throws BytesError.
 */
export function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s]+/g, '');
  let end = clean.length;
  while (end > 0 && clean.charCodeAt(end - 1) === 61 /* = */ && clean.length - end < 2) end--;
  if (end % 4 === 1) throw new BytesError(`base64 text of ${end} significant chars is truncated`, 'base64');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) throw new BytesError(`invalid base64 character at ${i}`, 'base64');
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

const HEX = '0123456789ABCDEF';

/** Upper-case hex, the form ConfigMgr uses for certificates and signatures. */
export function hexEncode(bytes: Uint8Array): string {
  const out = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = HEX[bytes[i]! >>> 4]! + HEX[bytes[i]! & 15]!;
  return out.join('');
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Decodes hex of either case; throws BytesError on odd length or a non-hex character. */
export function hexDecode(text: string): Uint8Array {
  if (text.length % 2 !== 0) throw new BytesError(`hex text has odd length ${text.length}`, 'hex');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(text.charCodeAt(i * 2));
    const lo = hexNibble(text.charCodeAt(i * 2 + 1));
    if (hi < 0 || lo < 0) throw new BytesError(`invalid hex character near ${i * 2}`, 'hex');
    out[i] = (hi << 4) | lo;
  }
  return out;
}
