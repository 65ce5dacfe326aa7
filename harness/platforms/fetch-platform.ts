// The client layer's platform over standard web APIs (harness/client/platform.ts), for runtimes that have
// fetch, Web Crypto, TextDecoder and URL (browsers, Deno, Bun, Node 20+, edge workers): no node: import,
// no Buffer, no process. The interface is synchronous, so the two things Web Crypto and
// CompressionStream only offer asynchronously come from pure libraries: SHA-1 from @noble/hashes
// (crypto.subtle.digest is one-shot and async, a download is hashed range by range as it arrives) and
// zlib from fflate (protocol/mp's portable deflate/inflate, with the output cap).
import { sha1 as nobleSha1 } from '@noble/hashes/legacy';
import { bytesToHex } from '@noble/hashes/utils';
import type { ClientPlatform, IncrementalHash, SplitUrl } from '../client/platform.ts';
import { fflateDeflate, inflateCcmBody, memoizeLast } from '../../protocol/mp/index.ts';

function sha1(): IncrementalHash {
  const hash = nobleSha1.create();
  return {
    update: (bytes) => {
      hash.update(bytes);
    },
    hex: () => bytesToHex(hash.digest()),
  };
}

function splitUrl(url: string): SplitUrl {
  const u = new URL(url);
  return { origin: u.origin, path: u.pathname + u.search };
}

/** One per loop: its inflate memo (the policy-assignment reply every client gets) is per platform. */
export function createFetchPlatform(): ClientPlatform {
  // TextDecoder's defaults are what the interface asks: invalid sequences as U+FFFD; ignoreBOM keeps a BOM.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  return {
    uuid: () => crypto.randomUUID(),
    sha1,
    deflate: fflateDeflate,
    inflate: memoizeLast(inflateCcmBody),
    utf8Decode: (bytes) => decoder.decode(bytes),
    splitUrl,
    now: () => Date.now(),
  };
}
