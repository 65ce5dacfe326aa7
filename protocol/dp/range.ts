// Single byte-range requests as BITS and Delivery Optimization send them (`Range: bytes=a-b`), and the
// Content-Range header of the 206/416 answer (RFC 9110 §14). Real captures: wsus-m0-native/content-headers.
import { DpProtocolError } from './errors.ts';

/** Inclusive byte positions. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * What a Range header asks of a representation of `size` bytes:
 * - a ByteRange (answer 206), clamped to the representation;
 * - `'unsatisfiable'` (answer 416 with `Content-Range: bytes *\/size`);
 * - `'multiple'`: several ranges, which this project does not serve as multipart/byteranges (answer 200
 *   with the whole body, which RFC 9110 allows, or 416);
 * - undefined: no header, another unit, or a syntactically invalid value (RFC 9110: ignore it, answer 200).
 */
export type RangeRequest = ByteRange | 'unsatisfiable' | 'multiple' | undefined;

const SPEC = /^\s*(\d{0,15})\s*-\s*(\d{0,15})\s*$/;

export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!m) return undefined;
  const specs = m[1]!.split(',').filter((s) => s.trim() !== '');
  if (specs.length === 0) return undefined;
  const parsed: (ByteRange | 'unsatisfiable')[] = [];
  for (const spec of specs) {
    const s = SPEC.exec(spec);
    if (!s || (s[1] === '' && s[2] === '')) return undefined;
    if (s[1] === '') {
      // Suffix range: the last n bytes.
      const n = Number(s[2]);
      parsed.push(n === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(s[1]);
    const end = s[2] === '' ? size - 1 : Number(s[2]);
    if (s[2] !== '' && end < start) return undefined;
    parsed.push(start >= size ? 'unsatisfiable' : { start, end: Math.min(end, size - 1) });
  }
  if (parsed.length > 1) return parsed.every((p) => p === 'unsatisfiable') ? 'unsatisfiable' : 'multiple';
  return parsed[0];
}

/**
 * The `Range` request header for the inclusive bytes start..end: `bytes=start-end`, the single explicit
 * range BITS asks for. Throws RangeError for positions that are not whole numbers >= 0 or an end before
 * the start (a server would ignore such a header and answer 200 with the whole file).
 */
export function formatRangeHeader(start: number, end: number): string {
  if (!(Number.isSafeInteger(start) && start >= 0)) {
    throw new RangeError(`range start = ${start}: must be a whole number >= 0`);
  }
  if (!(Number.isSafeInteger(end) && end >= start)) {
    throw new RangeError(`range end = ${end}: must be a whole number >= start (${start})`);
  }
  return `bytes=${start}-${end}`;
}

/** `bytes a-b/size` for a 206, or `bytes *\/size` for a 416. */
export function formatContentRange(range: ByteRange | 'unsatisfiable', size: number): string {
  return range === 'unsatisfiable' ? `bytes */${size}` : `bytes ${range.start}-${range.end}/${size}`;
}

export type ContentRange =
  | {
      kind: 'range';
      start: number;
      end: number /** undefined when the server sent `*` */;
      size: number | undefined;
    }
  | { kind: 'unsatisfied'; size: number };

/** Parses a Content-Range header; throws DpProtocolError when it is malformed or inconsistent. */
export function parseContentRange(header: string): ContentRange {
  const unsatisfied = /^\s*bytes\s+\*\/(\d{1,15})\s*$/i.exec(header);
  if (unsatisfied) return { kind: 'unsatisfied', size: Number(unsatisfied[1]) };
  const m = /^\s*bytes\s+(\d{1,15})-(\d{1,15})\/(\d{1,15}|\*)\s*$/i.exec(header);
  if (!m)
    throw new DpProtocolError(
      `malformed Content-Range ${JSON.stringify(header.slice(0, 80))}`,
      'content-range',
    );
  const start = Number(m[1]);
  const end = Number(m[2]);
  const size = m[3] === '*' ? undefined : Number(m[3]);
  if (end < start || (size !== undefined && end >= size)) {
    throw new DpProtocolError(`inconsistent Content-Range ${header}`, 'content-range');
  }
  return { kind: 'range', start, end, size };
}

/** Bytes in a range (the Content-Length of its 206). */
export function rangeLength(range: ByteRange): number {
  return range.end - range.start + 1;
}
