// Safe XML parsing and writing shared by every codec in protocol/.
// fast-xml-parser never fetches external entities; on top of that we refuse any DOCTYPE outright
// (no message of these protocols carries one, and entity expansion is the classic memory bomb) and
// cap the input size, so a hostile or broken peer yields a typed XmlError, never a crash or a blow-up.
import { XMLParser } from 'fast-xml-parser';
import { parseSimpleXml } from './simple-xml.ts';

/** Largest XML document any codec accepts (a 100,000-id SyncUpdates request is ~2 MB). */
export const MAX_XML_CHARS = 16 * 1024 * 1024;

export class XmlError extends Error {
  override readonly name = 'XmlError';
  constructor(
    message: string,
    /** 'depth': nesting deeper than the parser's limit (a hostile document, refused like a DOCTYPE). */
    readonly kind: 'too-large' | 'doctype' | 'depth' | 'malformed' | 'shape',
  ) {
    super(message);
  }
}

/** A parsed element in preserveOrder-free form: attributes under '@_', text under '#text'. */
export type XmlNode = { [name: string]: unknown };

const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  textNodeName: '#text',
} as const;
const parser = new XMLParser(PARSER_OPTIONS);

// Building an XMLParser costs about as much as parsing a small message, and callers pass the same
// module-level `arrays` set on every call: one parser per set, kept as long as the set lives.
const parsersByArrays = new WeakMap<ReadonlySet<string>, XMLParser>();

function parserFor(arrays: ReadonlySet<string>): XMLParser {
  let p = parsersByArrays.get(arrays);
  if (p === undefined) {
    p = new XMLParser({ ...PARSER_OPTIONS, isArray: (name: string) => arrays.has(name) });
    parsersByArrays.set(arrays, p);
  }
  return p;
}

export interface ParseOptions {
  /** Element names that must always come back as arrays even when they occur once. */
  arrays?: ReadonlySet<string>;
  maxChars?: number;
}

function refuseHostile(text: string, options: ParseOptions): void {
  const max = options.maxChars ?? MAX_XML_CHARS;
  if (text.length > max)
    throw new XmlError(`XML document of ${text.length} chars exceeds ${max}`, 'too-large');
  if (/<!DOCTYPE/i.test(text)) throw new XmlError('XML with a DOCTYPE is refused', 'doctype');
}

/** Parses an XML document into plain objects (namespace prefixes removed). */
export function parseXml(text: string, options: ParseOptions = {}): XmlNode {
  refuseHostile(text, options);
  // Small plain documents (most MP messages) take the fast reader; anything else, the full parser.
  const simple = parseSimpleXml(text, options.arrays);
  if (simple !== undefined) return simple;
  return parseXmlFully(text, options);
}

/** parseXml without the fast reader: fast-xml-parser with validation (tests compare the two). */
export function parseXmlFully(text: string, options: ParseOptions = {}): XmlNode {
  refuseHostile(text, options);
  const p = options.arrays ? parserFor(options.arrays) : parser;
  let parsed: unknown;
  try {
    parsed = p.parse(text, true);
  } catch (err) {
    const message = (err as Error).message;
    // fast-xml-parser's maxNestedTags guard (default 100 levels): no message of these protocols nests so deep.
    if (/nested tags/i.test(message)) throw new XmlError(`XML nested too deep: ${message}`, 'depth');
    throw new XmlError(`malformed XML: ${message}`, 'malformed');
  }
  if (parsed === null || typeof parsed !== 'object')
    throw new XmlError('XML has no root element', 'malformed');
  return parsed as XmlNode;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for element content or attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Reads a child as text ('' when absent or empty). */
export function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && '#text' in (node as XmlNode)) return String((node as XmlNode)['#text']);
  return '';
}

/** Returns the child element, throwing a typed shape error when it is missing. */
export function child(node: XmlNode, name: string, where: string): XmlNode {
  const value = node[name];
  if (value === undefined || value === null || typeof value !== 'object') {
    if (value === '' || typeof value === 'string') return {} as XmlNode;
    throw new XmlError(`${where}: missing <${name}>`, 'shape');
  }
  return value as XmlNode;
}

/** Normalises "one or many" children to an array. */
export function list<T = XmlNode>(value: unknown): T[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}
