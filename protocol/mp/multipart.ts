// multipart/mixed framing over bytes, as ConfigMgr messaging uses it: parts carry UTF-16 text and raw zlib
// streams, so the framing has to be found in bytes, never by decoding the whole body as text.
import { concatBytes } from '../bytes.ts';
import { MpProtocolError } from './errors.ts';

export interface MimePart {
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Uint8Array;
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function asciiOf(bytes: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/**
 * Frames parts the way the ConfigMgr sender does: `--B CRLF content-type: … CRLF CRLF body CRLF`
 * for each part, closed by `--B--` (no trailing CRLF).
 */
export function buildMultipart(
  boundary: string,
  parts: ReadonlyArray<{ contentType: string; body: Uint8Array }>,
) {
  const chunks: Uint8Array[] = [];
  parts.forEach((part, i) => {
    chunks.push(
      ascii(`${i === 0 ? '' : '\r\n'}--${boundary}\r\ncontent-type: ${part.contentType}\r\n\r\n`),
      part.body,
    );
  });
  chunks.push(ascii(`\r\n--${boundary}--`));
  return concatBytes(...chunks);
}

/** Reads the boundary parameter of a multipart Content-Type (quoted or not, any case). */
export function boundaryOf(contentType: string): string {
  if (!/^\s*multipart\/mixed\b/i.test(contentType)) {
    throw new MpProtocolError(
      `expected multipart/mixed, got ${JSON.stringify(contentType.slice(0, 100))}`,
      'content-type',
    );
  }
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary)
    throw new MpProtocolError('multipart Content-Type has no boundary parameter', 'content-type');
  return boundary;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  outer: for (
    let i = haystack.indexOf(first, from);
    i !== -1 && i <= last;
    i = haystack.indexOf(first, i + 1)
  ) {
    for (let k = 1; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** Finds the next delimiter `--B` that starts a line (at offset 0 or after LF). Returns its offset. */
function nextDelimiter(bytes: Uint8Array, delimiter: Uint8Array, from: number): number {
  for (let at = indexOf(bytes, delimiter, from); at !== -1; at = indexOf(bytes, delimiter, at + 1)) {
    if (at === 0 || bytes[at - 1] === 10) return at;
  }
  return -1;
}

/** End of the line starting at `from`: returns [index of the line break, index after it] or undefined. */
function lineEnd(bytes: Uint8Array, from: number): [number, number] | undefined {
  const lf = bytes.indexOf(10, from);
  if (lf === -1) return undefined;
  return [lf > from && bytes[lf - 1] === 13 ? lf - 1 : lf, lf + 1];
}

/**
 * Splits a multipart body into parts. Accepts CRLF or bare LF line ends and ignores preamble and
 * epilogue; a body whose boundary never appears, or that stops before the closing `--B--`, throws.
 */
export function parseMultipart(boundary: string, bytes: Uint8Array): MimePart[] {
  const delimiter = ascii(`--${boundary}`);
  let at = nextDelimiter(bytes, delimiter, 0);
  if (at === -1)
    throw new MpProtocolError(`boundary ${JSON.stringify(boundary)} not found in body`, 'multipart');
  const parts: MimePart[] = [];
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    if (bytes[afterDelimiter] === 45 && bytes[afterDelimiter + 1] === 45) return parts; // "--": close
    const line = lineEnd(bytes, afterDelimiter);
    if (!line) throw new MpProtocolError('multipart body ends inside a boundary line', 'multipart');
    // Part headers: lines up to the first empty one.
    const headers: Record<string, string> = {};
    let cursor = line[1];
    for (;;) {
      const header = lineEnd(bytes, cursor);
      if (!header) throw new MpProtocolError('multipart part has no end of headers', 'multipart');
      if (header[0] === cursor) {
        cursor = header[1];
        break;
      }
      const text = asciiOf(bytes, cursor, header[0]);
      const colon = text.indexOf(':');
      if (colon > 0) headers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
      cursor = header[1];
      if (Object.keys(headers).length > 32) throw new MpProtocolError('too many part headers', 'multipart');
    }
    const next = nextDelimiter(bytes, delimiter, cursor);
    if (next === -1) throw new MpProtocolError('multipart body has no final boundary', 'multipart');
    // The line break before the delimiter belongs to the delimiter, not to the part body.
    let end = next;
    if (end > cursor && bytes[end - 1] === 10) end--;
    if (end > cursor && bytes[end - 1] === 13) end--;
    parts.push({ headers, body: bytes.subarray(cursor, end) });
    at = next;
  }
}
