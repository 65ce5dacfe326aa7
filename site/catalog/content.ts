// Deterministic file bytes and lazily computed hashes for the catalog's update files.
//
// Why this shape: the site serves files of hundreds of KB to MB and must hand out any byte range
// (BITS/Delivery Optimization ranged GETs) without generating whole files, and generating a catalog must
// stay well under a second because tests start many sites. So bytes are assembled from one seeded random
// pool (memcpy speed): block b of a file is a pool slice at an offset derived from (file key, b), stamped
// with (file key, b) in its first 8 bytes so every block of every file differs. Hashes (SHA-1 for the WSUS
// content path and Digest, SHA-256 for AdditionalDigest) are computed on first use and memoised: a cold
// scan only pays for the files of the updates it asked about (~1 ms per MB with SHA-NI).
import { createHash } from 'node:crypto';
import type { CatalogFile } from './types.ts';
import { Prng } from './prng.ts';

const BLOCK = 64 * 1024;
const POOL_SIZE = 1024 * 1024;

export class ContentSource {
  readonly #pool: Buffer;

  constructor(seed: number | string) {
    this.#pool = Buffer.alloc(POOL_SIZE);
    new Prng(`${seed}/content-pool`).fill(this.#pool);
  }

  /** Bytes [start, endExclusive) of the file with this key and size. */
  bytes(key: number, size: number, start: number, endExclusive: number): Buffer {
    if (!(start >= 0 && endExclusive <= size && start <= endExclusive)) {
      throw new RangeError(`byte range [${start}, ${endExclusive}) outside file of ${size} bytes`);
    }
    const out = Buffer.allocUnsafe(endExclusive - start);
    let written = 0;
    let pos = start;
    while (pos < endExclusive) {
      const block = Math.floor(pos / BLOCK);
      const blockStart = block * BLOCK;
      const blockEnd = Math.min(blockStart + BLOCK, size);
      const from = pos - blockStart;
      const to = Math.min(endExclusive, blockEnd) - blockStart;
      const chunk = this.#block(key, block, blockEnd - blockStart);
      chunk.copy(out, written, from, to);
      written += to - from;
      pos = blockStart + to;
    }
    return out;
  }

  /** One whole block: a pool slice stamped with (key, block) so no two blocks are equal. */
  #block(key: number, block: number, length: number): Buffer {
    const offset = mix(key, block) % (POOL_SIZE - BLOCK);
    const chunk = Buffer.from(this.#pool.subarray(offset, offset + length));
    if (length >= 8) {
      chunk.writeUInt32LE(key >>> 0, 0);
      chunk.writeUInt32LE(block >>> 0, 4);
    }
    return chunk;
  }

  /** SHA-1 and SHA-256 over the whole file, streamed block by block. */
  hashes(key: number, size: number): { sha1: Buffer; sha256: Buffer } {
    const sha1 = createHash('sha1');
    const sha256 = createHash('sha256');
    for (let block = 0; block * BLOCK < size; block++) {
      const length = Math.min(BLOCK, size - block * BLOCK);
      const chunk = this.#block(key, block, length);
      sha1.update(chunk);
      sha256.update(chunk);
    }
    return { sha1: sha1.digest(), sha256: sha256.digest() };
  }
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/** A catalog file whose hashes (and so its content path) are computed on first access. */
export class GeneratedFile implements CatalogFile {
  readonly fileName: string;
  readonly contentId: string;
  readonly size: number;
  /** Key into the content source; unique per file of a catalog. */
  readonly key: number;
  readonly #source: ContentSource;
  readonly #onHashed: (file: GeneratedFile) => void;
  #hashes: { sha1: Buffer; sha256: Buffer } | undefined;

  constructor(
    init: { fileName: string; contentId: string; size: number; key: number },
    source: ContentSource,
    onHashed: (file: GeneratedFile) => void,
  ) {
    this.fileName = init.fileName;
    this.contentId = init.contentId;
    this.size = init.size;
    this.key = init.key;
    this.#source = source;
    this.#onHashed = onHashed;
  }

  get hashed(): boolean {
    return this.#hashes !== undefined;
  }

  get sha1(): Buffer {
    return this.#ensureHashes().sha1;
  }

  get sha256(): Buffer {
    return this.#ensureHashes().sha256;
  }

  get contentPath(): string {
    const hex = this.sha1.toString('hex').toUpperCase();
    const dot = this.fileName.lastIndexOf('.');
    const ext = dot >= 0 ? this.fileName.slice(dot + 1).toLowerCase() : 'bin';
    return `/Content/${hex.slice(-2)}/${hex}.${ext}`;
  }

  bytes(start: number, endExclusive: number): Buffer {
    return this.#source.bytes(this.key, this.size, start, endExclusive);
  }

  #ensureHashes(): { sha1: Buffer; sha256: Buffer } {
    if (!this.#hashes) {
      this.#hashes = this.#source.hashes(this.key, this.size);
      this.#onHashed(this);
    }
    return this.#hashes;
  }
}
