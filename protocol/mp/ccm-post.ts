// CCM_POST bodies (requests and replies have the same framing): multipart/mixed with the UTF-16 <Msg>
// header first and the UTF-16LE payload second, zlib-compressed (application/octet-stream) or plain
// (a second text/plain; charset=UTF-16 part).
import { loneSurrogateAt, type Utf16leDecode, utf16leDecode, utf16leEncode } from '../bytes.ts';
import { MpProtocolError } from './errors.ts';
import { buildMsgHeaderXml, type MsgHeader, parseMsgHeaderXml } from './msg-header.ts';
import { boundaryOf, buildMultipart, parseMultipart } from './multipart.ts';
import {
  MAX_CCM_BODY_BYTES,
  decodeCcmBody,
  encodeCcmBody,
  fflateDeflate,
  inflateCcmBody,
  type ZlibDeflate,
  type ZlibInflate,
} from './zlib-body.ts';

/** The fixed boundary of the ConfigMgr messaging sender. */
export const CCM_BOUNDARY = 'aAbBcCdDv1234567890VxXyYzZ';
export const CCM_CONTENT_TYPE = `multipart/mixed; boundary="${CCM_BOUNDARY}"`;
export const CCM_POST_METHOD = 'CCM_POST';
export const CCM_USER_AGENT = 'ConfigMgr Messaging HTTP Sender';
const TEXT_PART = 'text/plain; charset=UTF-16';
const BINARY_PART = 'application/octet-stream';

/** Largest CCM_POST body accepted on the wire. */
export const MAX_CCM_POST_BYTES = 16 * 1024 * 1024;

export interface CcmPostInput {
  header: MsgHeader;
  /** The XML payload text, without the trailing NUL (added here). */
  body: string;
  /** zlib-compress the payload and announce it with Hook3 zlib-compress. */
  compress: boolean;
  /** zlib compressor to use (default fflate; in Node pass a node:zlib deflateSync wrapper for speed). */
  deflate?: ZlibDeflate;
}

export interface CcmPost {
  contentType: string;
  body: Uint8Array;
}

export interface ParseCcmPostOptions {
  /** zlib decompressor (default: the portable streaming one; in Node pass platformInflate(inflateSync)). */
  inflate?: ZlibInflate;
  /** UTF-16LE decoder with utf16leDecode's contract (default the portable one; in Node pass
   *  utf16leDecoderOver over Buffer#toString('utf16le'), ~10x faster on a report of a few KB). */
  decodeUtf16le?: Utf16leDecode;
  /** The payload's text from its bytes (default readCcmPayload with decodeUtf16le; a client memoizes it,
   *  memoizeByIdentity). */
  payloadText?: (payload: Uint8Array) => string;
}

export interface ParsedCcmPost {
  header: MsgHeader;
  body: string;
  /** True when the payload part was zlib (application/octet-stream). */
  compressed: boolean;
}

export function buildCcmPost(input: CcmPostInput): CcmPost {
  const payload = encodeCcmBody(input.body);
  const header: MsgHeader = { ...input.header, bodyLength: payload.length, compressed: input.compress };
  const headerBytes = utf16leEncode(buildMsgHeaderXml(header), true);
  const second = input.compress
    ? { contentType: BINARY_PART, body: (input.deflate ?? fflateDeflate)(payload.bytes) }
    : { contentType: TEXT_PART, body: payload.bytes };
  return {
    contentType: CCM_CONTENT_TYPE,
    body: buildMultipart(CCM_BOUNDARY, [{ contentType: TEXT_PART, body: headerBytes }, second]),
  };
}

/** Decodes UTF-16 text of the header part: LE with or without BOM, or BE when it starts with FE FF. */
function decodeUtf16Text(bytes: Uint8Array, decode: Utf16leDecode): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = new Uint8Array(bytes.length - 2);
    for (let i = 2; i + 1 < bytes.length; i += 2) {
      swapped[i - 2] = bytes[i + 1]!;
      swapped[i - 1] = bytes[i]!;
    }
    return decode(swapped);
  }
  return decode(bytes);
}

/**
 * Parses a CCM_POST request or reply. A header-only message (no payload part) yields body ''.
 * Throws MpProtocolError (framing, zlib, size) or XmlError (header XML).
 */
export function parseCcmPost(
  contentType: string,
  bytes: Uint8Array,
  options: ParseCcmPostOptions = {},
): ParsedCcmPost {
  if (bytes.length > MAX_CCM_POST_BYTES) {
    throw new MpProtocolError(
      `CCM_POST body of ${bytes.length} bytes exceeds ${MAX_CCM_POST_BYTES}`,
      'too-large',
    );
  }
  const parts = parseMultipart(boundaryOf(contentType), bytes);
  const [first, second] = parts;
  if (!first) throw new MpProtocolError('CCM_POST has no parts', 'multipart');
  const decode = options.decodeUtf16le ?? utf16leDecode;
  const header = parseMsgHeaderXml(wellFormed('the Msg header', decodeUtf16Text(first.body, decode)));
  if (!second) return { header, body: '', compressed: false };
  const type = (second.headers['content-type'] ?? '').toLowerCase();
  const compressed = type.startsWith(BINARY_PART);
  const payload = compressed
    ? (options.inflate ?? inflateCcmBody)(second.body, MAX_CCM_BODY_BYTES)
    : second.body;
  const body = options.payloadText ? options.payloadText(payload) : readCcmPayload(payload, decode);
  return { header, body, compressed };
}

/** The text of a payload part's (inflated) bytes; throws MpProtocolError when it is not well-formed UTF-16. */
export function readCcmPayload(payload: Uint8Array, decode: Utf16leDecode = utf16leDecode): string {
  return wellFormed('the payload', decodeCcmBody(payload, decode));
}

/** UTF-16 with a lone surrogate is no text any ConfigMgr component wrote: refused as an encoding error. */
function wellFormed(what: string, text: string): string {
  const at = loneSurrogateAt(text);
  if (at >= 0) {
    throw new MpProtocolError(
      `${what} is not well-formed UTF-16: lone surrogate 0x${text.charCodeAt(at).toString(16)} at code unit ${at}`,
      'encoding',
    );
  }
  return text;
}
