// Server side: parseWsusRequest for requests that carry big integer lists. A warm SyncUpdates holds the
// client's whole cache (InstalledNonLeafUpdateIDs, OtherCachedUpdateIDs: thousands of `<int>` elements),
// and building an XML tree of them, then reading each back as text, costs most of the request.
//
// Here each such list, when written plainly (`<Name><int>123</int>…</Name>`: no attributes, prefixes,
// whitespace, entities or signs, at most 15 digits), is read by a scanner straight into numbers (or found
// by its text in an IntListCache) and cut from the document, which is then parsed as usual with `<Name/>`
// in its place; the numbers replace the empty list the codec read there. Anything else — another
// spelling, the name anywhere else, a document the cut one fails on, a list the codec did not read as that
// field — is parsed whole by parseWsusRequest, so every request gets exactly parseWsusRequest's answer or
// error (test/protocol/wsus-request-fast.test.ts).
import { MAX_XML_CHARS } from '../xml.ts';
import { parseWsusRequest } from './server.ts';
import type { SyncUpdatesRequest, WsusRequest } from './types.ts';

/** The int lists of SyncUpdates' parameters that can be long, by element name. */
const INT_LISTS = [
  ['InstalledNonLeafUpdateIDs', 'installedNonLeafUpdateIds'],
  ['OtherCachedUpdateIDs', 'otherCachedUpdateIds'],
  ['CachedDriverIDs', 'cachedDriverIds'],
] as const satisfies readonly (readonly [string, keyof SyncUpdatesRequest])[];

type IntListField = (typeof INT_LISTS)[number][1];

/** Digits of an id read here: any 15-digit number is an exact double, as Number(text) reads it. */
const MAX_DIGITS = 15;

interface Cut {
  field: IntListField;
  /** The element's start tag position and the position just after its end tag. */
  from: number;
  to: number;
  values: readonly number[];
}

/**
 * The values of recently read lists by their exact text. Clients of one build hold the same cache, so a
 * SUP sees the same long list text again and again: a Map lookup of the text replaces reading it. The
 * arrays handed out are shared (frozen), which also lets a server remember what it computed from them.
 */
export class IntListCache {
  readonly #byText = new Map<string, readonly number[]>();
  readonly #shared = new WeakSet<readonly number[]>();
  #chars = 0;

  /** At most `maxEntries` lists of `maxChars` characters of text in all (a 100,000-id list is ~1.6 M). */
  constructor(
    readonly maxEntries = 128,
    readonly maxChars = 16 * 1024 * 1024,
  ) {}

  get(text: string): readonly number[] | undefined {
    return this.#byText.get(text);
  }

  /** Remembers a list read from `text` (the oldest one goes when full); returns the shared array. */
  add(text: string, values: number[]): readonly number[] {
    const shared = Object.freeze(values);
    this.#shared.add(shared);
    if (text.length > this.maxChars / 4) return shared; // one huge list must not empty the cache
    while (
      this.#byText.size > 0 &&
      (this.#byText.size >= this.maxEntries || this.#chars + text.length > this.maxChars)
    ) {
      const oldest = this.#byText.keys().next().value as string;
      this.#byText.delete(oldest);
      this.#chars -= oldest.length;
    }
    this.#byText.set(text, shared);
    this.#chars += text.length;
    return shared;
  }

  /** True for an array this cache handed out: the same array means the same list text. */
  isShared(values: readonly number[] | undefined): boolean {
    return values !== undefined && this.#shared.has(values);
  }
}

/**
 * parseWsusRequest(xml, soapAction), reading long plain int lists without building XML nodes for them;
 * with a cache, a list text seen recently is not read again (its values are then a shared, frozen array).
 */
export function parseWsusRequestFast(xml: string, soapAction?: string, cache?: IntListCache): WsusRequest {
  const cuts = xml.length <= MAX_XML_CHARS ? findCuts(xml, cache) : undefined;
  if (cuts === undefined) return parseWsusRequest(xml, soapAction);
  let text = '';
  let at = 0;
  for (const cut of cuts) {
    text += `${xml.slice(at, cut.from)}<${elementOf(cut.field)}/>`;
    at = cut.to;
  }
  text += xml.slice(at);
  let req: WsusRequest;
  try {
    req = parseWsusRequest(text, soapAction);
  } catch {
    // Its own error (a message may name positions in the text it read): the whole document's.
    return parseWsusRequest(xml, soapAction);
  }
  if (req.operation !== 'SyncUpdates') return parseWsusRequest(xml, soapAction);
  for (const cut of cuts) {
    const read = req[cut.field];
    // The codec read the cut element as this field's (empty) list: the element was parameters' own.
    if (read === undefined || read.length !== 0) return parseWsusRequest(xml, soapAction);
  }
  for (const cut of cuts) req[cut.field] = cut.values as number[];
  return req;
}

function elementOf(field: IntListField): string {
  for (const [name, f] of INT_LISTS) if (f === field) return name;
  throw new Error(`no element for ${field}`);
}

/** The plain long int lists of the document in document order, or undefined when there is none to cut. */
function findCuts(xml: string, cache: IntListCache | undefined): Cut[] | undefined {
  const cuts: Cut[] = [];
  for (const [name, field] of INT_LISTS) {
    const from = xml.indexOf(`<${name}>`);
    if (from < 0) continue;
    const first = from + name.length + 2;
    const close = xml.indexOf(`</${name}>`, first);
    if (close < 0) continue;
    const to = close + name.length + 3;
    // The name must occur nowhere else (another element, a comment, text): then the one cut is the element
    // the codec reads, or the parse below says it is not. Between the tags there are only ints (checked
    // below), so it is enough to look before and after the element.
    if (xml.indexOf(name) !== from + 1 || xml.indexOf(name, to) >= 0) continue;
    const text = cache === undefined ? undefined : xml.slice(first, close);
    let values = text === undefined ? undefined : cache!.get(text);
    if (values === undefined) {
      const scanned = scanInts(xml, first);
      if (scanned === undefined || scanned.end !== close) continue;
      values = text === undefined ? scanned.values : cache!.add(text, scanned.values);
    }
    cuts.push({ field, from, to, values });
  }
  if (cuts.length === 0) return undefined;
  return cuts.sort((a, b) => a.from - b.from);
}

const LT = 0x3c;
const SLASH = 0x2f;
const GT = 0x3e;
const I = 0x69;
const N = 0x6e;
const T = 0x74;
const ZERO = 0x30;
const NINE = 0x39;

/** True when `<int>` (close: `</int>`) starts at `at`; char codes, as this runs thousands of times a request. */
function intTagAt(xml: string, at: number, close: boolean): boolean {
  let i = at;
  if (xml.charCodeAt(i++) !== LT) return false;
  if (close && xml.charCodeAt(i++) !== SLASH) return false;
  return (
    xml.charCodeAt(i) === I &&
    xml.charCodeAt(i + 1) === N &&
    xml.charCodeAt(i + 2) === T &&
    xml.charCodeAt(i + 3) === GT
  );
}

/** `<int>digits</int>` repeated from `at`: the numbers and where the run ends; undefined on anything else. */
function scanInts(xml: string, at: number): { values: number[]; end: number } | undefined {
  const values: number[] = [];
  let i = at;
  while (intTagAt(xml, i, false)) {
    i += 5;
    let value = 0;
    const first = i;
    for (let c = xml.charCodeAt(i); c >= ZERO && c <= NINE; c = xml.charCodeAt(++i))
      value = value * 10 + (c - ZERO);
    const digits = i - first;
    if (digits === 0 || digits > MAX_DIGITS || !intTagAt(xml, i, true)) return undefined;
    values.push(value);
    i += 6;
  }
  return { values, end: i };
}
