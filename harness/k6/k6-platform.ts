// The client layer's platform inside a k6 VU (harness/client/platform.ts): k6/crypto for randomness and
// hashes, fflate for zlib (k6 has none), protocol/bytes.ts for UTF-8, URLs split by hand (k6 v0.48 has no
// URL global, docs/k6-runtime.md) and Date.now for the wall clock.
import { createHash, randomBytes, sha256 } from 'k6/crypto';
import { hexEncode, utf8Decode } from '../../protocol/bytes.ts';
import { fflateDeflate, inflateCcmBody, memoizeLast } from '../../protocol/mp/index.ts';
import type { ClientPlatform, IncrementalHash, RegistrationSigner } from '../client/platform.ts';
import { createRsaSigner, type SigningKey } from './rsa-signer.ts';
import { splitUrl } from './split-url.ts';

/** The bytes' own ArrayBuffer when they are all of it, else a copy (k6/crypto takes ArrayBuffers). */
export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    return bytes.buffer as ArrayBuffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/** RFC 4122 version 4 from 16 random bytes. */
export function uuidFromBytes(b: Uint8Array): string {
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = hexEncode(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function sha1(): IncrementalHash {
  const hash = createHash('sha1');
  return {
    update: (bytes) => {
      hash.update(arrayBufferOf(bytes));
    },
    hex: () => hash.digest('hex'),
  };
}

/** One per VU (k6 gives each VU its own JavaScript runtime). */
export function createK6Platform(): ClientPlatform {
  return {
    uuid: () => uuidFromBytes(new Uint8Array(randomBytes(16))),
    sha1,
    deflate: fflateDeflate,
    // fflate with the CCM body cap (MpProtocolError past it); the policy-assignment reply every client of
    // the VU gets is inflated once per distinct reply, as in the swarm.
    inflate: memoizeLast(inflateCcmBody),
    utf8Decode,
    splitUrl,
    now: () => Date.now(),
  };
}

export function createK6Signer(key: SigningKey): RegistrationSigner {
  return createRsaSigner(key, (bytes) => sha256(arrayBufferOf(bytes), 'hex'));
}
