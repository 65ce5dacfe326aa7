// A CCM_POST written straight into one byte array from a template: what buildCcmPost writes, byte for byte
// (test/protocol/mp-ccm-request-writer.test.ts and mp-ccm-reply-writer.test.ts hold it to that), at a
// fraction of the cost. A swarm worker frames one per MP request and the site one per reply; buildCcmPost
// builds the header as a tree of strings, encodes it, then joins four arrays (~20 % of a poll's CPU on
// either side).
//
// The template is cut from what buildMsgHeaderXml and buildCcmPost write for marker values, so the header
// layout and the multipart framing keep their one home there; only the values that change per message are
// filled in here. The payload is prepared apart (encoded and, when the frame compresses, deflated), so a
// payload many messages carry (the site's policy-assignment reply) is prepared once.
import { utf16leEncode, utf16leWrite } from '../bytes.ts';
import { escapeXml } from '../xml.ts';
import { buildCcmPost } from './ccm-post.ts';
import type { MsgHeader } from './msg-header.ts';
import { cutTemplate, type TextTemplate } from './text-template.ts';
import { encodeCcmBody, fflateDeflate, type ZlibDeflate } from './zlib-body.ts';

/** A payload ready for the wire: its text, the Body Length it declares, its bytes as sent. */
export interface CcmPayload {
  readonly text: string;
  /** Bytes of the uncompressed UTF-16 body with its NUL (the header's Body Length). */
  readonly length: number;
  /** What goes in the second part: deflated when the template compresses. */
  readonly bytes: Uint8Array;
}

// Markers: control characters no host name, id, address or time contains and escapeXml leaves as they are,
// so each is found exactly where its value goes. Value i gets U+0001 + i; the Body Length (a number) gets
// its own marker in place of the number buildCcmPost wrote.
const LENGTH = '\u001f';
const PAYLOAD = 0xfe;
const MAX_VALUES = 16;

/** Frames CCM_POST bodies whose headers differ only in `valueCount` values; build once and reuse. */
export class CcmTemplate {
  readonly #headerOf: (values: readonly string[]) => MsgHeader;
  readonly #compress: boolean;
  readonly #deflate: ZlibDeflate;
  /** The multipart bytes before the header text (part headers and the BOM). */
  readonly #head: Uint8Array;
  /** The header text, cut at the values that change per message, its constant parts as UTF-16LE bytes. */
  readonly #header: TextTemplate;
  readonly #headerBytes: Uint8Array[];
  /** The multipart bytes between the header text and the payload. */
  readonly #middle: Uint8Array;
  /** The closing delimiter. */
  readonly #tail: Uint8Array;

  /**
   * @param headerOf the header for the per-message values (in a fixed order); it must place each value
   *   as given, since the template is cut where the markers land.
   */
  constructor(
    headerOf: (values: readonly string[]) => MsgHeader,
    valueCount: number,
    compress: boolean,
    deflate: ZlibDeflate = fflateDeflate,
  ) {
    if (valueCount > MAX_VALUES) throw new Error(`CcmTemplate: at most ${MAX_VALUES} values`);
    this.#headerOf = headerOf;
    this.#compress = compress;
    this.#deflate = deflate;
    const markers = Array.from({ length: valueCount }, (_, i) => String.fromCharCode(1 + i));
    // An empty payload, "compressed" to one marker byte, so the payload's place in the framing is found.
    const sample = buildCcmPost({
      header: headerOf(markers),
      body: '',
      compress,
      deflate: () => Uint8Array.of(PAYLOAD),
    }).body;
    const start = indexOfBytes(sample, [0xff, 0xfe]) + 2;
    const headerText = headerTextAt(sample, start);
    const end = start + headerText.length * 2;
    this.#head = sample.slice(0, start);
    const payloadAt = compress
      ? sample.lastIndexOf(PAYLOAD)
      : indexOfBytes(sample, [13, 10, 13, 10], end) + 4;
    this.#middle = sample.slice(end, payloadAt);
    // The payload was one marker byte, or the empty text's NUL and CRLF (4 bytes).
    this.#tail = sample.slice(payloadAt + (compress ? 1 : 4));
    const length = /Length="(\d+)"/.exec(headerText);
    if (!length) throw new Error('CcmTemplate: no Body Length in the Msg header');
    this.#header = cutTemplate(headerText.replace(length[0], `Length="${LENGTH}"`), [LENGTH, ...markers]);
    this.#headerBytes = this.#header.texts.map((text) => utf16leEncode(text));
  }

  /** `text` (the XML, without its trailing NUL) encoded and, when the template compresses, deflated. */
  payload(text: string): CcmPayload {
    const encoded = encodeCcmBody(text);
    return {
      text,
      length: encoded.length,
      bytes: this.#compress ? this.#deflate(encoded.bytes) : encoded.bytes,
    };
  }

  /** The whole CCM_POST body: the header with `values` (raw text, escaped here) and the payload. */
  write(values: readonly string[], payload: CcmPayload): Uint8Array {
    // An empty value is written as an empty element (<X/>), which the template does not have.
    if (values.some((v) => v === '')) {
      return buildCcmPost({
        header: this.#headerOf(values),
        body: payload.text,
        compress: this.#compress,
        deflate: () => payload.bytes,
      }).body;
    }
    const filled = [String(payload.length)];
    for (const v of values) filled.push(escapeXml(v));
    // Only the values are encoded per message; the header's constant text was encoded once.
    const { slots } = this.#header;
    const texts = this.#headerBytes;
    let headerBytes = texts[0]!.length;
    for (let i = 0; i < slots.length; i++)
      headerBytes += filled[slots[i]!]!.length * 2 + texts[i + 1]!.length;
    const body = payload.bytes;
    const head = this.#head;
    const middle = this.#middle;
    const tail = this.#tail;
    const out = new Uint8Array(head.length + headerBytes + middle.length + body.length + tail.length);
    out.set(head, 0);
    out.set(texts[0]!, head.length);
    let at = head.length + texts[0]!.length;
    for (let i = 0; i < slots.length; i++) {
      at = utf16leWrite(out, at, filled[slots[i]!]!);
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
  throw new Error('CcmTemplate: unexpected framing in the template');
}
