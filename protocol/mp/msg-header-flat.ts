// A reader for the <Msg> header of a CCM_POST in the flat form senders write: one level of children,
// each an element with text or an empty element with attributes, plus a <Hooks> of empty hook elements.
// Every CCM message and reply carries one (parsed by the MP per request and by the swarm per reply), and
// the general reader (simple-xml.ts) spends ~8 µs on its ~1 KB; this one about half of that.
//
// It returns exactly the node parseXml gives for the <Msg> root, or undefined for anything outside that
// form (a declaration, comments, entities, namespaces, single quotes, repeated children, text beside
// attributes, hooks with content such as Hook2 clientauth properties, ...): the caller then parses with
// parseXml, which gives the answer or the typed error. test/protocol/msg-header-flat.test.ts holds it to
// that on built headers and on mutated ones.
import { MAX_XML_CHARS, type XmlNode } from '../xml.ts';

const MAX_CHARS = MAX_XML_CHARS;

/** Names that would touch Object.prototype if used as keys (parseXml leaves them to the full parser). */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The element and attribute names of a header (buildMsgHeaderXml's), by length. A name read from the
 * text that is one of these is returned as the constant: a fresh slice used as a property key costs a
 * string-table lookup on every store, the constant only the first time.
 */
const KNOWN_NAMES = new Map<number, string[]>();
for (const name of [
  'Msg',
  'ReplyCompression',
  'SchemaVersion',
  'Body',
  'Type',
  'Length',
  'Offset',
  'CorrelationID',
  'Hooks',
  'Hook2',
  'Hook3',
  'Name',
  'ID',
  'Payload',
  'Priority',
  'Protocol',
  'ReplyMode',
  'ReplyTo',
  'SentTime',
  'SourceID',
  'SourceHost',
  'TargetAddress',
  'TargetEndpoint',
  'TargetHost',
  'Timeout',
]) {
  const same = KNOWN_NAMES.get(name.length) ?? [];
  same.push(name);
  KNOWN_NAMES.set(name.length, same);
}
/** `@_name` attribute keys of the known names, made once. */
const ATTRIBUTE_KEYS = new Map<string, string>();
for (const same of KNOWN_NAMES.values()) for (const name of same) ATTRIBUTE_KEYS.set(name, `@_${name}`);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // A-Z a-z _
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46; // 0-9 - .
}

/** Cursor over the text; every reader returns false (or undefined) when the form is left. */
class Scan {
  at = 0;
  /** Attributes the last attributes() call read. */
  attributeCount = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    const { text } = this;
    while (this.at < text.length && isSpace(text.charCodeAt(this.at))) this.at++;
  }

  /** A name without prefix at the cursor, or undefined. */
  name(): string | undefined {
    const { text } = this;
    const start = this.at;
    if (start >= text.length || !isNameStart(text.charCodeAt(start))) return undefined;
    let i = start + 1;
    while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    // A prefix (`a:Msg`) or a character no name has here: leave it to the full parser.
    if (c === 58) return undefined;
    this.at = i;
    const known = KNOWN_NAMES.get(i - start);
    if (known !== undefined) for (const name of known) if (text.startsWith(name, start)) return name;
    const name = text.slice(start, i);
    if (RESERVED_NAMES.has(name)) return undefined;
    return name;
  }

  /**
   * Attributes up to `>` or `/>` into `node` (as `@_name`). Returns 'open', 'empty' or undefined. Values
   * must be double-quoted, without markup characters, entities or surrounding white space.
   */
  attributes(node: XmlNode): 'open' | 'empty' | undefined {
    const { text } = this;
    this.attributeCount = 0;
    for (;;) {
      const before = this.at;
      this.skipSpace();
      const c = text.charCodeAt(this.at);
      if (c === 62) {
        this.at++;
        return 'open';
      }
      if (c === 47) {
        if (text.charCodeAt(this.at + 1) !== 62) return undefined;
        this.at += 2;
        return 'empty';
      }
      if (this.at === before) return undefined; // attributes are separated by white space
      const name = this.name();
      if (name === undefined || name === 'xmlns') return undefined;
      if (text.charCodeAt(this.at) !== 61 || text.charCodeAt(this.at + 1) !== 34) return undefined; // ="
      const open = this.at + 2;
      const close = text.indexOf('"', open);
      if (close < 0) return undefined;
      const value = text.slice(open, close);
      if (/[<>&]/.test(value) || value.trim() !== value) return undefined;
      const key = ATTRIBUTE_KEYS.get(name) ?? `@_${name}`;
      if (Object.hasOwn(node, key)) return undefined;
      node[key] = value;
      this.attributeCount++;
      this.at = close + 1;
    }
  }

  /** `</name>` (white space allowed before `>`). */
  closing(name: string): boolean {
    const { text } = this;
    if (text.charCodeAt(this.at) !== 60 || text.charCodeAt(this.at + 1) !== 47) return false;
    if (!text.startsWith(name, this.at + 2)) return false;
    this.at += 2 + name.length;
    this.skipSpace();
    if (text.charCodeAt(this.at) !== 62) return false;
    this.at++;
    return true;
  }
}

/** <Hooks> content: empty hook elements with attributes only, each name once. */
function readHooks(scan: Scan): XmlNode | '' | undefined {
  const hooks: XmlNode = {};
  let count = 0;
  for (;;) {
    scan.skipSpace();
    if (scan.text.charCodeAt(scan.at) !== 60) return undefined;
    if (scan.text.charCodeAt(scan.at + 1) === 47) {
      if (!scan.closing('Hooks')) return undefined;
      return count === 0 ? '' : hooks;
    }
    scan.at++;
    const name = scan.name();
    if (name === undefined || Object.hasOwn(hooks, name)) return undefined;
    const node: XmlNode = {};
    if (scan.attributes(node) !== 'empty' || scan.attributeCount === 0) return undefined;
    hooks[name] = node;
    count++;
  }
}

/** The <Msg> root as parseXml reads it, when the header is in the flat form; otherwise undefined. */
export function readFlatMsgHeader(xml: string): XmlNode | undefined {
  if (xml.length > MAX_CHARS) return undefined;
  const scan = new Scan(xml);
  scan.skipSpace();
  if (!xml.startsWith('<Msg', scan.at)) return undefined;
  scan.at++;
  if (scan.name() !== 'Msg') return undefined;
  const msg: XmlNode = {};
  if (scan.attributes(msg) !== 'open') return undefined;
  let children = 0;
  for (;;) {
    scan.skipSpace();
    if (xml.charCodeAt(scan.at) !== 60) return undefined;
    if (xml.charCodeAt(scan.at + 1) === 47) {
      if (children === 0 || !scan.closing('Msg')) return undefined;
      break;
    }
    scan.at++;
    const name = scan.name();
    if (name === undefined || Object.hasOwn(msg, name)) return undefined;
    const node: XmlNode = {};
    const kind = scan.attributes(node);
    const hasAttributes = scan.attributeCount > 0;
    let value: unknown;
    if (kind === undefined) return undefined;
    if (kind === 'empty') value = hasAttributes ? node : '';
    else if (name === 'Hooks' && !hasAttributes) {
      value = readHooks(scan);
      if (value === undefined) return undefined;
    } else {
      const lt = xml.indexOf('<', scan.at);
      if (lt < 0) return undefined;
      const raw = xml.slice(scan.at, lt);
      if (raw.includes('&')) return undefined;
      const text = raw.trim();
      // Text beside attributes, or attributes on an element with content, stay with the full parser.
      if (hasAttributes && text !== '') return undefined;
      scan.at = lt;
      if (!scan.closing(name)) return undefined;
      value = hasAttributes ? node : text;
    }
    msg[name] = value;
    children++;
  }
  scan.skipSpace();
  return scan.at === xml.length ? msg : undefined;
}
