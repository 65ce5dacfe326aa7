// A cheap read of a SyncUpdates reply for the load generator: the revision ids, the truncation flag and the
// new cookie, found with indexOf over the text without building a tree or unescaping the core fragments.
// Safe because the fragments are escaped (a literal "<ID>" cannot occur inside <Xml>) and the elements of
// the result are in a fixed order. Anything unusual (a fault, prefixed elements, missing parts) goes to the
// full parser, which throws the right typed error or returns the same answer.
import { MAX_XML_CHARS, XmlError } from '../xml.ts';
import { parseWsusResponse } from './client.ts';
import type { WsusCookie } from './types.ts';

const DOCTYPE_RE = /<!DOCTYPE/i;

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
  // A DOCTYPE can only precede the root element; refuse it here as protocol/xml.ts would.
  if (DOCTYPE_RE.test(start < 0 ? xml : xml.slice(0, start)))
    throw new XmlError('XML with a DOCTYPE is refused', 'doctype');
  const fast = start < 0 ? undefined : new Cursor(xml, start + '<SyncUpdatesResult>'.length).result();
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

const INT_RE = /^\s*[+-]?\d{1,10}\s*$/;
const TAIL_RE = /^\s*<\/SyncUpdatesResponse>\s*<\/(?:\w+:)?Body>\s*<\/(?:\w+:)?Envelope>\s*$/;

/**
 * Walks the children of SyncUpdatesResult in schema order, each found where the previous one ended, so the
 * whole reply is read once. Every method returns undefined when the text is not laid out as expected.
 */
class Cursor {
  constructor(
    private readonly xml: string,
    private pos: number,
  ) {}

  result(): SyncUpdatesSummary | undefined {
    const newIds = this.updateInfos('NewUpdates');
    const outOfScopeIds = newIds && this.ints('OutOfScopeRevisionIDs');
    const changedIds = outOfScopeIds && this.updateInfos('ChangedUpdates');
    const truncated = changedIds && this.text('Truncated');
    if (truncated === undefined || !this.open('<NewCookie>')) return undefined;
    const expiration = this.text('Expiration');
    const encryptedData = expiration === undefined ? undefined : this.text('EncryptedData');
    if (encryptedData === undefined || !this.open('</NewCookie>')) return undefined;
    const t = truncated.trim();
    if (t !== 'true' && t !== 'false') return undefined;
    // Numeric character references are rare enough to leave to the full parser.
    if (expiration!.includes('&#') || encryptedData.includes('&#')) return undefined;
    // The optional tail elements are short; then the document must close properly (no truncation).
    const end = this.xml.indexOf('</SyncUpdatesResult>', this.pos);
    if (end < 0 || !TAIL_RE.test(this.xml.slice(end + '</SyncUpdatesResult>'.length))) return undefined;
    return {
      newIds: newIds!,
      outOfScopeIds: outOfScopeIds!,
      changedIds: changedIds!,
      truncated: t === 'true',
      newCookie: {
        expiration: unescapeText(expiration!.trim()),
        encryptedData: unescapeText(encryptedData.trim()),
      },
    };
  }

  /** Consumes `tag` after optional whitespace; false (and nothing consumed) when it is not next. */
  private open(tag: string): boolean {
    let p = this.pos;
    while (p < this.xml.length && this.xml.charCodeAt(p) <= 0x20) p++;
    if (!this.xml.startsWith(tag, p)) return false;
    this.pos = p + tag.length;
    return true;
  }

  /** Text up to `</name>` after a `<name>` that must come next. */
  private text(name: string): string | undefined {
    if (!this.open(`<${name}>`)) return undefined;
    const close = this.xml.indexOf(`</${name}>`, this.pos);
    if (close < 0) return undefined;
    const text = this.xml.slice(this.pos, close);
    this.pos = close + name.length + 3;
    return text;
  }

  /** Ids of `<name><UpdateInfo><ID>n</ID>…</UpdateInfo>…</name>`; [] when the element is absent or empty. */
  private updateInfos(name: string): number[] | undefined {
    const ids: number[] = [];
    if (this.open(`<${name}/>`) || !this.open(`<${name}>`)) return ids;
    while (this.open('<UpdateInfo>')) {
      const id = this.text('ID');
      const value = id === undefined ? Number.NaN : toId(id);
      // The fragment in <Xml> is escaped, so the first "</UpdateInfo>" is this element's end.
      const end = this.xml.indexOf('</UpdateInfo>', this.pos);
      if (Number.isNaN(value) || end < 0) return undefined;
      ids.push(value);
      this.pos = end + '</UpdateInfo>'.length;
    }
    return this.open(`</${name}>`) ? ids : undefined;
  }

  /** Ids of `<name><int>n</int>…</name>`; [] when the element is absent or empty. */
  private ints(name: string): number[] | undefined {
    const ids: number[] = [];
    if (this.open(`<${name}/>`) || !this.open(`<${name}>`)) return ids;
    for (let item = this.text('int'); item !== undefined; item = this.text('int')) {
      const value = toId(item);
      if (Number.isNaN(value)) return undefined;
      ids.push(value);
    }
    return this.open(`</${name}>`) ? ids : undefined;
  }
}

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
