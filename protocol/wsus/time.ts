// The timestamp styles WSUS peers put on the wire ([MS-WUSP] xsd:dateTime, Appendix B):
// - 'wsus':   real WSUS / .NET XmlSerializer, UTC with up to 7 fraction digits, trailing zeros dropped
//             ("2026-10-04T16:03:35.9967236Z", "2026-10-04T13:17:07.59Z", "2026-10-04T15:03:36Z");
// - 'offset': Python isoformat with a zone, 6 fraction digits ("2026-10-04T16:03:35.996000+00:00");
// - 'plain':  Python isoformat without a zone, 6 fraction digits ("2026-10-04T16:03:35.996000");
// and date-only Deployment LastChangeTime ("2026-10-04"). Models keep timestamps as the wire text (a
// 7-digit fraction does not survive a float round trip); these helpers convert when a value is needed.
import { WsusProtocolError } from './errors.ts';

export type WsusTimeStyle = 'wsus' | 'offset' | 'plain';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function datePart(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/**
 * Formats epoch milliseconds in one of the wire styles. A fractional `ms` carries sub-millisecond digits
 * into the 'wsus' style's 7-digit fraction (approximately: a double holds ~0.25 µs at today's epoch).
 */
export function formatWsusTime(ms: number, style: WsusTimeStyle): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatWsusTime: not a finite time: ${ms}`);
  const whole = Math.floor(ms);
  const d = new Date(whole);
  const clock = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  const base = `${datePart(d)}T${clock}`;
  if (style === 'wsus') {
    // 100 ns ticks within the second, as .NET counts them.
    let ticks = d.getUTCMilliseconds() * 10_000 + Math.round((ms - whole) * 10_000);
    if (ticks > 9_999_999) ticks = 9_999_999;
    const fraction = ticks === 0 ? '' : `.${pad(ticks, 7).replace(/0+$/, '')}`;
    return `${base}${fraction}Z`;
  }
  const micros = `.${pad(d.getUTCMilliseconds(), 3)}000`;
  return style === 'offset' ? `${base}${micros}+00:00` : `${base}${micros}`;
}

/** Formats the date-only form of Deployment LastChangeTime ("2026-10-04", UTC). */
export function formatWsusDate(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatWsusDate: not a finite time: ${ms}`);
  return datePart(new Date(Math.floor(ms)));
}

const TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses any of the three styles, a date-only value, or any other xsd:dateTime offset to epoch ms.
 * No zone means UTC (WSUS servers and clients both talk UTC). Sub-millisecond digits become a fraction.
 */
export function parseWsusTime(text: string): number {
  const m = TIME_RE.exec(text.trim());
  if (!m) throw new WsusProtocolError(`not a WSUS timestamp: ${JSON.stringify(text.slice(0, 64))}`, 'value');
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw new WsusProtocolError(`timestamp out of range: ${JSON.stringify(text)}`, 'value');
  }
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (frac) ms += Number(`0.${frac}`) * 1000;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** parseWsusTime, or undefined for text that is no WSUS timestamp (a client then treats it as unknown). */
export function readWsusTime(text: string): number | undefined {
  try {
    const ms = parseWsusTime(text);
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}
