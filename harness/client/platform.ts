// What the client layer needs from the runtime it runs in, passed in rather than imported, so the same
// exchanges run in the swarm's worker threads (harness/engine/node-platform.ts: node:crypto, node:zlib,
// Buffer), in a k6 VU (k6/crypto, fflate) and over fetch. Nothing in harness/client reads a global of
// its own: no TextEncoder, URL, crypto, timers or wall clock (k6 v0.48 has none of them,
// docs/k6-runtime.md). Byte coding that is pure (UTF-16LE, base64, hex, Latin-1) comes from
// protocol/bytes.ts; what a platform does faster natively, or cannot do in pure code, is here.
import type { ZlibDeflate, ZlibInflate } from '../../protocol/mp/index.ts';

/** An incremental hash of streamed bytes (a download's ranges, hashed as they arrive). */
export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  /** Lower-case hex of the digest; call once, after the last update. */
  hex(): string;
}

/** A URL split the way a request is sent: the origin (its connection pool) and the path with query. */
export interface SplitUrl {
  /** `scheme://host[:port]`, normalised as WHATWG URL does (lower-case host, default port dropped). */
  origin: string;
  /** Path plus query, percent-encoded as WHATWG URL does. */
  path: string;
}

export interface ClientPlatform {
  /** A random RFC 4122 version 4 UUID, lower case (CCM message ids, reporting-event ids). */
  uuid(): string;
  /** A fresh SHA-1 (content verification against the catalog's file digests). */
  sha1(): IncrementalHash;
  /** zlib (RFC 1950) compression of CCM_POST bodies. */
  deflate: ZlibDeflate;
  /** zlib decompression with an output cap, throwing MpProtocolError (protocol/mp/zlib-body.ts). */
  inflate: ZlibInflate;
  /** UTF-8 bytes to text, invalid sequences as U+FFFD and a leading BOM kept (SOAP and policy XML). */
  utf8Decode(bytes: Uint8Array): string;
  /** Splits an absolute URL (a DP content URL, a policy body location) as WHATWG URL parsing does. */
  splitUrl(url: string): SplitUrl;
  /** Wall-clock epoch ms: only to read a Retry-After given as an HTTP date. */
  now(): number;
}

/** Signs registrations like a client's SMS signing certificate does (CryptoAPI RSA PKCS#1 v1.5 SHA-256
 *  over the UTF-16LE text, byte-reversed, upper-case hex); the platform makes the key. */
export interface RegistrationSigner {
  /** The signing certificate, DER as upper-case hex. */
  certHex: string;
  sign(text: string): string;
}
