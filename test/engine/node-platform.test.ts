// The swarm's platform deflates with an output chunk sized to the input: the bytes must be node:zlib's
// default output whatever the size (a small CCM request, a state report larger than one chunk).
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createNodePlatform } from '../../harness/engine/node-platform.ts';

describe('createNodePlatform deflate', () => {
  it('writes what deflateSync writes, for inputs from empty to several chunks', () => {
    const platform = createNodePlatform();
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    };
    for (const size of [0, 1, 700, 2048, 5000, 300_000]) {
      // Half text-like (compressible), half noise (not), so the output can outgrow a chunk.
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = i % 2 === 0 ? 60 + (i % 7) : random();
      const out = platform.deflate(bytes);
      expect(Buffer.from(out).equals(deflateSync(bytes)), `size ${size}`).toBe(true);
      expect(Buffer.from(inflateSync(out)).equals(bytes)).toBe(true);
    }
  });
});
