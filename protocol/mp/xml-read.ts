// Reading helpers over protocol/xml.ts results that turn absent or invalid values into typed errors.
import { type XmlNode, parseXml } from '../xml.ts';
import { MpProtocolError } from './errors.ts';

/** Parses a document and returns its root element, checking the root's name. */
export function parseRoot(xml: string, root: string, arrays?: ReadonlySet<string>): XmlNode {
  const doc = parseXml(xml, arrays ? { arrays } : {});
  const node = doc[root];
  if (node === undefined) {
    const found = Object.keys(doc).filter((k) => !k.startsWith('?'));
    throw new MpProtocolError(`expected root <${root}>, found <${found.join('>, <') || 'nothing'}>`, 'shape');
  }
  return typeof node === 'object' && node !== null ? (node as XmlNode) : ({ '#text': node } as XmlNode);
}

/** An element child that may be absent (returns an empty node), or appears as empty text. */
export function optChild(node: XmlNode, name: string): XmlNode {
  const value = node[name];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as XmlNode;
  if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') return value[0] as XmlNode;
  if (typeof value === 'string' && value !== '') return { '#text': value };
  return {};
}

/** An attribute value, or undefined when absent. */
export function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

/** A required attribute; throws a typed shape error naming the element. */
export function reqAttr(node: XmlNode, name: string, where: string): string {
  const value = attr(node, name);
  if (value === undefined) throw new MpProtocolError(`${where}: missing attribute ${name}`, 'shape');
  return value;
}

/** A required integer from text; throws a typed value error naming the field. */
export function intOf(text: string | undefined, where: string): number {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) {
    throw new MpProtocolError(`${where}: expected an integer, got ${JSON.stringify(text)}`, 'value');
  }
  return Number.parseInt(text, 10);
}

/** Text of a child element (attributes ignored), or undefined when the child is absent. */
export function childText(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : childText({ v: value[0] }, 'v');
  if (typeof value === 'object') return String((value as XmlNode)['#text'] ?? '');
  return String(value);
}
