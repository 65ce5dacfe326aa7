// The payload of a CCM_POST: UTF-16LE XML, one NUL code unit, then an ASCII CRLF (the bytes the ConfigMgr
// sender and the tools validated against real MPs produce), zlib-compressed when Hook3 zlib-compress is on.
import { Unzlib, zlibSync } from 'fflate';
import { type Utf16leDecode, utf16leDecode, utf16leWrite } from '../bytes.ts';
import { MpProtocolError } from './errors.ts';

/** Largest decompressed body accepted (a resync full-state report is a few MB at most). */
export const MAX_CCM_BODY_BYTES = 16 * 1024 * 1024;

/** Encodes the body text: UTF-16LE (no BOM) + NUL + CRLF. `length` counts the bytes up to and with the NUL. */
export function encodeCcmBody(text: string): { bytes: Uint8Array; length: number } {
  const bytes = new Uint8Array(text.length * 2 + 4);
  utf16leWrite(bytes, 0, text);
  // bytes[len..len+1] stay 0: the NUL terminator.
  bytes[bytes.length - 2] = 13;
  bytes[bytes.length - 1] = 10;
  return { bytes, length: text.length * 2 + 2 };
}

/**
 * Decodes a body, tolerating a BOM, a missing NUL, and a CRLF in ASCII or in UTF-16 after it. `decode`
 * is the UTF-16LE decoder (default the portable one; Node callers may pass a native one).
 */
export function decodeCcmBody(bytes: Uint8Array, decode: Utf16leDecode = utf16leDecode): string {
  let end = bytes.length;
  const at = (i: number) => bytes[end - i];
  if (end >= 4 && at(4) === 13 && at(3) === 0 && at(2) === 10 && at(1) === 0) end -= 4;
  else if (end >= 4 && end % 2 === 0 && at(2) === 13 && at(1) === 10 && at(4) === 0 && at(3) === 0) end -= 2;
  return decode(end === bytes.length ? bytes : bytes.subarray(0, end));
}

/** A zlib (RFC 1950) compressor; Node callers may pass node:zlib's deflateSync, ~10x faster than fflate. */
export type ZlibDeflate = (bytes: Uint8Array) => Uint8Array;

/**
 * The portable default. Measured on a 300-message report (171 KB of UTF-16): fflate levels 1-4 all
 * take ~1.1 ms and level 6 ~1.35 ms, so level 4 buys the smaller output for free.
 */
export const fflateDeflate: ZlibDeflate = (bytes) => zlibSync(bytes, { level: 4 });

/** A zlib (RFC 1950) decompressor that refuses output over `maxBytes`; throws MpProtocolError. */
export type ZlibInflate = (compressed: Uint8Array, maxBytes: number) => Uint8Array;

/** Node's `inflateSync` signature, as far as platformInflate needs it. */
export type PlatformInflateSync = (bytes: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;

/**
 * Wraps a platform's native inflate (Node callers pass node:zlib's inflateSync) with the output cap and
 * typed errors. For a CCM reply of a few KB it is ~30x faster than the portable streaming inflate below,
 * whose per-call set-up dominates small messages; `maxOutputLength` stops a zlib bomb just as early.
 */
export function platformInflate(inflateSync: PlatformInflateSync): ZlibInflate {
  return (compressed, maxBytes) => {
    if (compressed.length === 0)
      throw new MpProtocolError('body does not inflate: empty zlib stream', 'zlib');
    try {
      return inflateSync(compressed, { maxOutputLength: maxBytes });
    } catch (err) {
      if (err instanceof RangeError) {
        throw new MpProtocolError(`decompressed body exceeds ${maxBytes} bytes`, 'too-large');
      }
      const message = (err as Error).message;
      if (/unexpected end/i.test(message)) throw new MpProtocolError('zlib stream is truncated', 'zlib');
      throw new MpProtocolError(`body does not inflate: ${message}`, 'zlib');
    }
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A one-entry memo over a compressor or decompressor. Policy-assignment and location replies repeat byte
 * for byte across clients until a deployment or the catalog changes, so the site deflates each distinct
 * reply once and the swarm inflates it once; comparing a few KB costs well under a microsecond. The
 * result is shared between callers: they must not modify it.
 */
export function memoizeLast<R extends ZlibDeflate | ZlibInflate>(fn: R): R {
  let input: Uint8Array | undefined;
  let limit: number | undefined;
  let output: Uint8Array | undefined;
  const memo = (bytes: Uint8Array, maxBytes?: number) => {
    if (output === undefined || input === undefined || limit !== maxBytes || !sameBytes(input, bytes)) {
      output = (fn as (b: Uint8Array, m?: number) => Uint8Array)(bytes, maxBytes);
      input = bytes.slice();
      limit = maxBytes;
    }
    return output;
  };
  return memo as R;
}

/**
 * A one-entry memo keyed by the input's identity, for a function of bytes nobody modifies: behind
 * memoizeLast's inflate, every client's copy of a repeated reply inflates to the same array, so its text
 * is decoded once instead of once per client. A throw is not memoized (the next call throws again).
 */
export function memoizeByIdentity<T>(fn: (bytes: Uint8Array) => T): (bytes: Uint8Array) => T {
  let input: Uint8Array | undefined;
  let output: T;
  return (bytes) => {
    if (bytes !== input) {
      output = fn(bytes);
      input = bytes;
    }
    return output;
  };
}

// Inflating in 4 KiB input steps bounds the work done before the output cap is checked: deflate
// expands at most ~1032:1, so a zlib bomb is stopped after a few MB, not after gigabytes.
const INFLATE_STEP = 4096;

/** Inflates a zlib stream with an output cap; garbage, truncation or an oversized result throw. */
export function inflateCcmBody(compressed: Uint8Array, maxBytes = MAX_CCM_BODY_BYTES): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes)
      throw new MpProtocolError(`decompressed body exceeds ${maxBytes} bytes`, 'too-large');
    chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    if (compressed.length === 0) throw new Error('empty zlib stream');
    for (let i = 0; i < compressed.length; i += INFLATE_STEP) {
      const end = Math.min(compressed.length, i + INFLATE_STEP);
      inflater.push(compressed.subarray(i, end), end === compressed.length);
    }
  } catch (err) {
    if (err instanceof MpProtocolError) throw err;
    throw new MpProtocolError(`body does not inflate: ${(err as Error).message}`, 'zlib');
  }
  if (!ended) throw new MpProtocolError('zlib stream is truncated', 'zlib');
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** RFC 1950 Adler-32 of uncompressed bytes: the checksum a zlib stream ends with (big-endian). */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}
