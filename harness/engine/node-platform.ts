// The client layer's platform in the swarm's worker threads (harness/client/platform.ts): node:crypto for
// UUIDs, hashes and the registration key, node:zlib for CCM bodies, Buffer for UTF-8, WHATWG URL.
import { createHash, createSign, randomUUID, X509Certificate } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { generate } from 'selfsigned';
import { memoizeLast, platformInflate } from '../../protocol/mp/index.ts';
import type { ClientPlatform, IncrementalHash, RegistrationSigner, SplitUrl } from '../client/platform.ts';

function sha1(): IncrementalHash {
  const hash = createHash('sha1');
  return {
    update: (bytes) => {
      hash.update(bytes);
    },
    hex: () => hash.digest('hex'),
  };
}

function splitUrl(url: string): SplitUrl {
  const u = new URL(url);
  return { origin: u.origin, path: u.pathname + u.search };
}

/**
 * Output buffer size for deflating `n` bytes. node:zlib allocates one chunk per call (16 KiB by default)
 * outside the V8 heap; a CCM request of a few KB deflates to well under 1 KiB, so the default made every
 * MP request allocate 16 KiB of external memory, which drove extra GCs. Larger bodies (state reports)
 * get chunks in proportion; the output is the same bytes whatever the chunk size.
 */
function deflateChunk(n: number): number {
  return Math.min(64 * 1024, Math.max(1024, n >>> 1));
}

/** One per worker: its inflate memo is per platform (the policy-assignment reply every client gets is
 *  inflated once per distinct reply, memoizeLast). */
export function createNodePlatform(): ClientPlatform {
  return {
    uuid: randomUUID,
    sha1,
    // node:zlib: ~10x faster than the portable default for a CCM body.
    deflate: (bytes) => deflateSync(bytes, { chunkSize: deflateChunk(bytes.length) }),
    // ~30x faster than the portable default for a reply of a few KB.
    inflate: memoizeLast(platformInflate(inflateSync)),
    utf8Decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    splitUrl,
    now: Date.now,
  };
}

/** Signs registrations like a client's SMS signing certificate does; one RSA key per worker. */
export async function createRegistrationSigner(): Promise<RegistrationSigner> {
  const pems = await generate([{ name: 'commonName', value: 'SMS' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
  });
  const certHex = Buffer.from(new X509Certificate(pems.cert).raw).toString('hex').toUpperCase();
  return {
    certHex,
    // CryptoAPI-style: RSA PKCS#1 v1.5 SHA-256 over the UTF-16LE text, byte-reversed, upper-case hex.
    sign: (text) =>
      Buffer.from(createSign('sha256').update(Buffer.from(text, 'utf16le')).sign(pems.private).reverse())
        .toString('hex')
        .toUpperCase(),
  };
}
