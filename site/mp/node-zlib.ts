// The site runs in Node: CCM_POST payloads go through node:zlib, not the portable fflate default of
// protocol/ (for a message of a few KB, ~30x faster to inflate and ~2x faster to deflate).
import { deflateSync, inflateSync } from 'node:zlib';
import { adler32, platformInflate, type ZlibDeflate } from '../../protocol/mp/index.ts';

export const nodeDeflate: ZlibDeflate = (bytes) => deflateSync(bytes);
export const nodeInflate = platformInflate(inflateSync);

/**
 * 'corrupt-compressed-reply': what a reply damaged after compression looks like. The deflate data is of a
 * body with one byte changed in the middle while the zlib trailer keeps the Adler-32 of the real body, so
 * a reader that verifies the checksum reports corruption and one that does not reads garbage.
 */
export const corruptDeflate: ZlibDeflate = (bytes) => {
  const damaged = Buffer.from(bytes);
  const at = Math.floor(damaged.length / 2) & ~1;
  damaged[at] = damaged[at]! ^ 0x5a;
  const out = Buffer.from(deflateSync(damaged));
  out.writeUInt32BE(adler32(bytes), out.length - 4);
  return out;
};
