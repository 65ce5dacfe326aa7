// A fast reader for the small, plain documents ConfigMgr messaging exchanges many times a second (the Msg
// header of every CCM_POST, RequestAssignments, location requests). fast-xml-parser with validation
// costs ~60 µs for such a document, a third of an MP request's CPU on the site and in the swarm; this
// reader takes a few µs.
//
// It knows only elements, attributes, text, the five predefined entities and namespace prefixes (dropped,
// with the xmlns declarations, as parseXml's removeNSPrefix does), and returns undefined for anything
// else (comments, CDATA, processing instructions after the declaration, character references, mixed
// content, a tag it cannot read): the caller then parses with fast-xml-parser,
// which gives the answer or the typed error. Every document it accepts is well-formed (tags balance,
// attributes unique, one root) and reads exactly as parseXml reads it; test/protocol/simple-xml.test.ts
// holds it to that on every captured and built message and on mutated ones.
import type { XmlNode } from './xml.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const MAX_DEPTH = 64;
/** The declaration as the validator accepts it: version, then optional encoding and standalone. */
const XML_DECLARATION =
  /^<\?xml\s+version\s*=\s*(["'])1\.\d+\1(?:\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>/;
/** Names that would touch Object.prototype if used as keys. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

interface OpenElement {
  /** As written (`s:Body`), to match the closing tag. */
  qname: string;
  /** Without its prefix, as parseXml reports it (removeNSPrefix). */
  name: string;
  node: XmlNode;
  text: string;
  hasChildren: boolean;
  hasAttributes: boolean;
}

/** Decodes the predefined entities; undefined for any other `&` (a character reference, a bare `&`). */
function decodeText(raw: string): string | undefined {
  if (!raw.includes('&')) return raw;
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
    const semi = raw.indexOf(';', amp);
    const value = semi < 0 ? undefined : ENTITIES[raw.slice(amp + 1, semi)];
    if (value === undefined) return undefined;
    out += raw.slice(from, amp) + value;
    from = semi + 1;
  }
  return out + raw.slice(from);
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // A-Z a-z _
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46; // 0-9 - .
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Where the name starting at `at` ends (at itself when there is none). */
function nameEnd(text: string, at: number): number {
  if (at >= text.length || !isNameStart(text.charCodeAt(at))) return at;
  let i = at + 1;
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  return i;
}

/** A name with at most one prefix (`s:Envelope`): where it ends, its prefix ('' for none) and local part. */
function qualifiedName(text: string, at: number): { end: number; prefix: string; local: string } | undefined {
  const first = nameEnd(text, at);
  if (first === at) return undefined;
  if (text.charCodeAt(first) !== 58) return { end: first, prefix: '', local: text.slice(at, first) };
  const second = nameEnd(text, first + 1);
  if (second === first + 1 || text.charCodeAt(second) === 58) return undefined;
  return { end: second, prefix: text.slice(at, first), local: text.slice(first + 1, second) };
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Adds a finished child the way fast-xml-parser does: repeats become arrays, `arrays` names always are. */
function attach(
  parent: XmlNode,
  name: string,
  value: unknown,
  arrays: ReadonlySet<string> | undefined,
): void {
  const existing = Object.hasOwn(parent, name) ? parent[name] : undefined;
  if (existing === undefined) parent[name] = arrays?.has(name) ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent[name] = [existing, value];
}

/** The element's value: its text alone when it has neither attributes nor children, else its node. */
function elementValue(e: OpenElement): unknown {
  const text = e.text.trim();
  if (!e.hasAttributes && !e.hasChildren) return text;
  if (text !== '') {
    // Text beside child elements is mixed content: leave that to the full parser.
    if (e.hasChildren) return undefined;
    e.node['#text'] = text;
  }
  return e.node;
}

/** Parses `text` in the simple subset, or returns undefined when the full parser must read it. */
export function parseSimpleXml(text: string, arrays?: ReadonlySet<string>): XmlNode | undefined {
  const doc: XmlNode = {};
  const stack: OpenElement[] = [];
  let roots = 0;
  let i = 0;
  // The declaration only counts at the very start; `<?` anywhere else is the full parser's job.
  if (text.startsWith('<?xml')) {
    const declaration = XML_DECLARATION.exec(text.slice(0, 200));
    if (declaration === null) return undefined;
    i = declaration[0].length;
  }
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const runEnd = lt < 0 ? text.length : lt;
    if (runEnd > i) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        // Outside the root only white space is allowed.
        for (let k = i; k < runEnd; k++) if (!isSpace(text.charCodeAt(k))) return undefined;
      } else {
        const decoded = decodeText(text.slice(i, runEnd));
        if (decoded === undefined) return undefined;
        top.text += decoded;
      }
    }
    if (lt < 0) break;
    i = lt + 1;
    if (text.charCodeAt(i) === 47) {
      // </name>
      const closing = qualifiedName(text, i + 1);
      const open = stack.pop();
      if (open === undefined || closing === undefined || text.slice(i + 1, closing.end) !== open.qname)
        return undefined;
      const end = closing.end;
      const close = skipSpace(text, end);
      if (text.charCodeAt(close) !== 62) return undefined;
      const value = elementValue(open);
      if (value === undefined) return undefined;
      attach(stack[stack.length - 1]?.node ?? doc, open.name, value, arrays);
      i = close + 1;
      continue;
    }
    const tag = qualifiedName(text, i); // none after `<!` or `<?`
    if (tag === undefined || RESERVED_NAMES.has(tag.local)) return undefined;
    if (stack.length === 0 && ++roots > 1) return undefined;
    if (stack.length >= MAX_DEPTH) return undefined;
    const end = tag.end;
    const element: OpenElement = {
      qname: text.slice(i, end),
      name: tag.local,
      node: {},
      text: '',
      hasChildren: false,
      hasAttributes: false,
    };
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.hasChildren = true;
    i = end;
    for (;;) {
      const at = skipSpace(text, i);
      const c = text.charCodeAt(at);
      if (c === 62) {
        stack.push(element);
        i = at + 1;
        break;
      }
      if (c === 47 && text.charCodeAt(at + 1) === 62) {
        const value = elementValue(element);
        if (value === undefined) return undefined;
        attach(parent?.node ?? doc, element.name, value, arrays);
        i = at + 2;
        break;
      }
      // name="value" (or 'value'), separated from what came before by white space.
      if (at === i) return undefined;
      const attribute = qualifiedName(text, at);
      if (attribute === undefined || RESERVED_NAMES.has(attribute.local)) return undefined;
      const nameStop = attribute.end;
      const eq = skipSpace(text, nameStop);
      if (text.charCodeAt(eq) !== 61) return undefined;
      const open = skipSpace(text, eq + 1);
      const quote = text.charCodeAt(open);
      if (quote !== 34 && quote !== 39) return undefined;
      const close = text.indexOf(quote === 34 ? '"' : "'", open + 1);
      if (close < 0) return undefined;
      const raw = text.slice(open + 1, close);
      // Values the full parser might normalise (markup characters, surrounding white space) are its job.
      if (raw.includes('<') || raw.includes('>') || raw.trim() !== raw) return undefined;
      const value = decodeText(raw);
      if (value === undefined) return undefined;
      i = close + 1;
      // Namespace declarations are not attributes to parseXml (removeNSPrefix drops them).
      if (attribute.prefix === 'xmlns' || (attribute.prefix === '' && attribute.local === 'xmlns')) continue;
      const key = `@_${attribute.local}`;
      if (Object.hasOwn(element.node, key)) return undefined;
      element.node[key] = value;
      element.hasAttributes = true;
    }
  }
  return stack.length === 0 && roots === 1 ? doc : undefined;
}
