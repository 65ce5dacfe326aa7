// The site runs in Node: CCM_POST payloads go through node:zlib, not the portable fflate default of
// protocol/ (for a message of a few KB, ~30x faster to inflate and ~2x faster to deflate).
import { deflateSync, inflateSync } from 'node:zlib';
import { platformInflate, type ZlibDeflate } from '../../protocol/mp/index.ts';

export const nodeDeflate: ZlibDeflate = (bytes) => deflateSync(bytes);
export const nodeInflate = platformInflate(inflateSync);
