// The CCM_POST a client sends, written straight into one byte array from a per-destination template: what
// buildCcmPost writes, byte for byte (test/protocol/mp-ccm-request-writer.test.ts holds it to that), at a
// fraction of the cost. A swarm worker frames one of these per MP request; buildCcmPost builds the header
// as a tree of strings, encodes it, then joins four arrays, which showed at ~20 % of a poll's CPU.
//
// The template is cut from what buildMsgHeaderXml and buildCcmPost write for marker values, so the header
// layout and the multipart framing keep their one home there; only the values that change per message
// (length, id, sent time, sender) are filled in here.
import { utf16leEncode, utf16leWrite } from '../bytes.ts';
import { escapeXml } from '../xml.ts';
import { buildCcmPost, CCM_CONTENT_TYPE } from './ccm-post.ts';
import type { MsgHeader } from './msg-header.ts';
import { cutTemplate, type TextTemplate } from './text-template.ts';
import { encodeCcmBody, fflateDeflate, type ZlibDeflate } from './zlib-body.ts';

/** What stays the same for every message a writer frames. */
export interface CcmRequestFrame {
  targetAddress: string;
  targetEndpoint: string;
  targetHost: string;
  replyMode: 'Sync' | 'Async';
  /** zlib-compress the payload (Hook3 zlib-compress); a compressed reply is always asked for. */
  compress: boolean;
  /** Whether messages carry a SourceID (every message but registration). */
  withSourceId: boolean;
  deflate?: ZlibDeflate;
}

/** What changes per message. */
export interface CcmRequestFields {
  id: string;
  /** Required when the frame is `withSourceId`, ignored otherwise. */
  sourceId?: string;
  sourceHost: string;
  sentTime: string;
}

// Markers: control characters no host name, id or time contains and escapeXml leaves as they are, so each
// is found exactly where its value goes. The Body Length is a number: its marker replaces it in the text.
const LENGTH = '\u0005';
const ID = '\u0001';
const SOURCE_ID = '\u0002';
const SOURCE_HOST = '\u0003';
const SENT_TIME = '\u0004';
const PAYLOAD = 0xfe;

/** The markers in the order of the values `write` fills in. */
const MARKERS = [LENGTH, ID, SOURCE_ID, SOURCE_HOST, SENT_TIME];

/** Frames CCM_POST request bodies for one destination; build once per frame and reuse. */
export class CcmRequestWriter {
  /** The multipart bytes before the header text (part headers and the BOM). */
  readonly #head: Uint8Array;
  /** The header text, cut at the values that change per message, its constant parts as UTF-16LE bytes. */
  readonly #header: TextTemplate;
  readonly #headerBytes: Uint8Array[];
  /** The multipart bytes between the header text and the payload. */
  readonly #middle: Uint8Array;
  /** The closing delimiter. */
  readonly #tail: Uint8Array;
  readonly #compress: boolean;
  readonly #deflate: ZlibDeflate;

  readonly #frame: CcmRequestFrame;

  constructor(frame: CcmRequestFrame) {
    this.#frame = frame;
    this.#compress = frame.compress;
    this.#deflate = frame.deflate ?? fflateDeflate;
    // An empty payload, "compressed" to one marker byte, so the payload's place in the framing is found.
    const sample = buildCcmPost({
      header: headerOf(frame, { id: ID, sourceId: SOURCE_ID, sourceHost: SOURCE_HOST, sentTime: SENT_TIME }),
      body: '',
      compress: frame.compress,
      deflate: () => Uint8Array.of(PAYLOAD),
    }).body;
    const start = indexOfBytes(sample, [0xff, 0xfe]) + 2;
    const headerText = headerTextAt(sample, start);
    const end = start + headerText.length * 2;
    this.#head = sample.slice(0, start);
    const payloadAt = frame.compress
      ? sample.lastIndexOf(PAYLOAD)
      : indexOfBytes(sample, [13, 10, 13, 10], end) + 4;
    this.#middle = sample.slice(end, payloadAt);
    // The payload was one marker byte, or the empty text's NUL and CRLF (4 bytes).
    this.#tail = sample.slice(payloadAt + (frame.compress ? 1 : 4));
    // buildCcmPost wrote the empty payload's length; the template gets a marker in its place.
    const length = /Length="(\d+)"/.exec(headerText);
    if (!length) throw new Error('CcmRequestWriter: no Body Length in the Msg header');
    this.#header = cutTemplate(headerText.replace(length[0], `Length="${LENGTH}"`), MARKERS);
    this.#headerBytes = this.#header.texts.map((text) => utf16leEncode(text));
  }

  get contentType(): string {
    return CCM_CONTENT_TYPE;
  }

  /** The whole request body for `payload` (the XML text, without its trailing NUL). */
  write(fields: CcmRequestFields, payload: string): Uint8Array {
    // An empty value is written as an empty element (<X/>), which the template does not have.
    const sourceIdEmpty = this.#frame.withSourceId && !fields.sourceId;
    if (fields.id === '' || fields.sourceHost === '' || fields.sentTime === '' || sourceIdEmpty) {
      return buildCcmPost({
        header: headerOf(this.#frame, fields),
        body: payload,
        compress: this.#compress,
        deflate: this.#deflate,
      }).body;
    }
    const encoded = encodeCcmBody(payload);
    const body = this.#compress ? this.#deflate(encoded.bytes) : encoded.bytes;
    const values = [
      String(encoded.length),
      escapeXml(fields.id),
      escapeXml(fields.sourceId ?? ''),
      escapeXml(fields.sourceHost),
      escapeXml(fields.sentTime),
    ];
    // Only the values are encoded per message; the header's constant text was encoded once.
    const { slots } = this.#header;
    const texts = this.#headerBytes;
    let headerBytes = texts[0]!.length;
    for (let i = 0; i < slots.length; i++)
      headerBytes += values[slots[i]!]!.length * 2 + texts[i + 1]!.length;
    const head = this.#head;
    const middle = this.#middle;
    const tail = this.#tail;
    const out = new Uint8Array(head.length + headerBytes + middle.length + body.length + tail.length);
    out.set(head, 0);
    out.set(texts[0]!, head.length);
    let at = head.length + texts[0]!.length;
    for (let i = 0; i < slots.length; i++) {
      at = utf16leWrite(out, at, values[slots[i]!]!);
      out.set(texts[i + 1]!, at);
      at += texts[i + 1]!.length;
    }
    out.set(middle, at);
    at += middle.length;
    out.set(body, at);
    out.set(tail, at + body.length);
    return out;
  }
}

function headerOf(frame: CcmRequestFrame, fields: CcmRequestFields): MsgHeader {
  return {
    id: fields.id,
    sourceHost: fields.sourceHost,
    targetAddress: frame.targetAddress,
    targetEndpoint: frame.targetEndpoint,
    targetHost: frame.targetHost,
    replyCompression: 'zlib',
    sentTime: fields.sentTime,
    replyMode: frame.replyMode,
    ...(frame.withSourceId ? { sourceId: fields.sourceId ?? '' } : {}),
  };
}

/** The UTF-16LE header text starting at `start`, up to and with its closing </Msg>. */
function headerTextAt(sample: Uint8Array, start: number): string {
  let text = '';
  for (let i = start; i + 1 < sample.length && !text.endsWith('</Msg>'); i += 2) {
    text += String.fromCharCode(sample[i]! | (sample[i + 1]! << 8));
  }
  return text;
}

function indexOfBytes(haystack: Uint8Array, needle: readonly number[], from = 0): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return i;
  }
  throw new Error('CcmRequestWriter: unexpected framing in the template');
}
