// How the site parses a CCM_POST in Node: node:zlib's inflate and Buffer's native UTF-16LE decoder instead
// of protocol/'s portable defaults. On a 5-message state report the portable decoder cost ~9 µs of a
// ~35 µs parse and on a 200-message one ~230 µs of ~400 µs; Buffer#toString('utf16le') takes ~1 and ~20 µs
// and keeps lone surrogates as they are (parseCcmPost refuses those itself), so the result is the same.
import { utf16leDecoderOver } from '../../protocol/bytes.ts';
import type { ParseCcmPostOptions } from '../../protocol/mp/index.ts';
import { nodeInflate } from './node-zlib.ts';

export const nodeUtf16leDecode = utf16leDecoderOver((units) =>
  Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le'),
);

/** The options every site parse of a CCM_POST passes (request routing and the state-message loader). */
export const NODE_CCM_PARSE: ParseCcmPostOptions = { inflate: nodeInflate, decodeUtf16le: nodeUtf16leDecode };
