// A cheap read of a SyncUpdates reply for the load generator: the revision ids, the truncation flag and the
// new cookie, found with indexOf over the text without building a tree or unescaping the core fragments.
// Safe because the fragments are escaped (a literal "<ID>" cannot occur inside <Xml>) and the elements of
// the result are in a fixed order. Anything unusual (a fault, prefixed elements, missing parts) goes to the
// full parser, which throws the right typed error or returns the same answer.
import { MAX_XML_CHARS, XmlError } from '../xml.ts';
import { parseWsusResponse } from './client.ts';
import type { WsusCookie } from './types.ts';

export interface SyncUpdatesSummary {
  newIds: number[];
  outOfScopeIds: number[];
  changedIds: number[];
  truncated: boolean;
  newCookie: WsusCookie;
}

/** Same answer as parseWsusResponse('SyncUpdates', xml) reduced to ids; no well-formedness check on the fast path. */
export function scanSyncUpdatesSummary(xml: string): SyncUpdatesSummary {
  if (xml.length > MAX_XML_CHARS)
    throw new XmlError(`XML document of ${xml.length} chars exceeds ${MAX_XML_CHARS}`, 'too-large');
  const start = xml.indexOf('<SyncUpdatesResult>');
  const end = start < 0 ? -1 : xml.indexOf('</SyncUpdatesResult>', start);
  const fast = end < 0 ? undefined : scanResult(xml, start, end);
  return fast ?? fullSummary(xml);
}

function fullSummary(xml: string): SyncUpdatesSummary {
  const res = parseWsusResponse('SyncUpdates', xml);
  return {
    newIds: res.newUpdates.map((u) => u.id),
    outOfScopeIds: res.outOfScopeRevisionIds,
    changedIds: res.changedUpdates.map((u) => u.id),
    truncated: res.truncated,
    newCookie: res.newCookie,
  };
}

/** Scans [from, to) of the result element; undefined when the text does not have the expected layout. */
function scanResult(xml: string, from: number, to: number): SyncUpdatesSummary | undefined {
  const newIds = updateIds(xml, section(xml, 'NewUpdates', from, to));
  const outOfScopeIds = intItems(xml, section(xml, 'OutOfScopeRevisionIDs', from, to));
  const changedIds = updateIds(xml, section(xml, 'ChangedUpdates', from, to));
  const truncated = textBetween(xml, '<Truncated>', '</Truncated>', from, to);
  const cookieAt = xml.indexOf('<NewCookie>', from);
  if (!newIds || !outOfScopeIds || !changedIds || truncated === undefined || cookieAt < 0 || cookieAt > to)
    return undefined;
  const expiration = textBetween(xml, '<Expiration>', '</Expiration>', cookieAt, to);
  const encryptedData = textBetween(xml, '<EncryptedData>', '</EncryptedData>', cookieAt, to);
  const t = truncated.trim();
  if (expiration === undefined || encryptedData === undefined || (t !== 'true' && t !== 'false'))
    return undefined;
  // Numeric character references are rare enough to leave to the full parser.
  if (expiration.includes('&#') || encryptedData.includes('&#')) return undefined;
  return {
    newIds,
    outOfScopeIds,
    changedIds,
    truncated: t === 'true',
    newCookie: {
      expiration: unescapeText(expiration.trim()),
      encryptedData: unescapeText(encryptedData.trim()),
    },
  };
}

type Range = [number, number] | null | undefined;

/** [contentStart, contentEnd) of `<name>…</name>`; null when absent or `<name/>`; undefined when malformed. */
function section(xml: string, name: string, from: number, to: number): Range {
  const open = xml.indexOf(`<${name}>`, from);
  if (open < 0 || open > to) return null;
  const close = xml.indexOf(`</${name}>`, open);
  if (close < 0 || close > to) return undefined;
  return [open + name.length + 2, close];
}

/** The first <ID> after each <UpdateInfo> is the revision id (Deployment/ID comes after it). */
function updateIds(xml: string, range: Range): number[] | undefined {
  if (range === undefined) return undefined;
  const ids: number[] = [];
  if (range === null) return ids;
  const [from, to] = range;
  let pos = from;
  for (;;) {
    const info = xml.indexOf('<UpdateInfo>', pos);
    if (info < 0 || info >= to) return ids;
    const id = textBetween(xml, '<ID>', '</ID>', info, to);
    const value = id === undefined ? Number.NaN : toId(id);
    if (Number.isNaN(value)) return undefined;
    ids.push(value);
    pos = xml.indexOf('</UpdateInfo>', info);
    if (pos < 0 || pos > to) return undefined;
  }
}

function intItems(xml: string, range: Range): number[] | undefined {
  if (range === undefined) return undefined;
  const ids: number[] = [];
  if (range === null) return ids;
  const [from, to] = range;
  let pos = from;
  for (;;) {
    const open = xml.indexOf('<int>', pos);
    if (open < 0 || open >= to) return ids;
    const close = xml.indexOf('</int>', open);
    if (close < 0 || close > to) return undefined;
    const value = toId(xml.slice(open + 5, close));
    if (Number.isNaN(value)) return undefined;
    ids.push(value);
    pos = close + 6;
  }
}

function textBetween(xml: string, open: string, close: string, from: number, to: number): string | undefined {
  const a = xml.indexOf(open, from);
  if (a < 0 || a > to) return undefined;
  const b = xml.indexOf(close, a);
  if (b < 0 || b > to) return undefined;
  return xml.slice(a + open.length, b);
}

const INT_RE = /^\s*[+-]?\d{1,10}\s*$/;

function toId(text: string): number {
  return INT_RE.test(text) ? Number(text) : Number.NaN;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};

function unescapeText(text: string): string {
  return text.includes('&') ? text.replace(/&(?:amp|lt|gt|quot|apos);/g, (e) => ENTITIES[e]!) : text;
}
