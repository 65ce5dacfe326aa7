// WMI DMTF timestamps as state messages carry them: `yyyyMMddHHmmss.ffffff+000` (UTC, offset in minutes).
import { MpProtocolError } from './errors.ts';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Formats epoch milliseconds as a UTC DMTF timestamp (microseconds from the milliseconds). */
export function formatDmtf(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new MpProtocolError(`cannot format ${ms} as DMTF`, 'value');
  return (
    pad(d.getUTCFullYear(), 4) +
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) +
    pad(d.getUTCSeconds(), 2) +
    `.${pad(d.getUTCMilliseconds() * 1000, 6)}+000`
  );
}

const DMTF = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;

/** Parses a DMTF timestamp to epoch milliseconds, honouring the +/-minutes offset. */
export function parseDmtf(text: string): number {
  const m = DMTF.exec(text.trim());
  if (!m) throw new MpProtocolError(`not a DMTF timestamp: ${JSON.stringify(text.slice(0, 40))}`, 'value');
  const [, y, mo, d, h, mi, s, micro, sign, offset] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    throw new MpProtocolError(`DMTF timestamp out of range: ${text}`, 'value');
  }
  const utc = Date.UTC(
    Number(y),
    month - 1,
    day,
    Number(h),
    Number(mi),
    Number(s),
    Math.floor(Number(micro) / 1000),
  );
  return utc - (sign === '-' ? -1 : 1) * Number(offset) * 60_000;
}
