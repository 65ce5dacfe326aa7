// Reading helpers over protocol/xml.ts trees (namespace prefixes removed, attributes under '@_').
// They keep the distinctions the wire makes: an element that is absent (undefined), empty (`<X/>`, ''),
// nil (`xsi:nil="true"`, treated as absent) or has content; and they turn bad values into typed errors.
import { type XmlNode, list, textOf } from '../xml.ts';
import { WsusProtocolError } from './errors.ts';

/** True for `<X xsi:nil="true"/>` (any prefix; the parser drops it). */
function isNil(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const nil = (value as XmlNode)['@_nil'];
  return nil === 'true' || nil === '1';
}

/** The single occurrence of a child element, or undefined when it is absent or nil. */
export function optNode(node: XmlNode, name: string): unknown {
  let value = node[name];
  if (Array.isArray(value)) value = value[0];
  if (value === undefined || isNil(value)) return undefined;
  return value;
}

/** A child element as a node ({} for an empty element); throws when it is absent. */
export function reqElement(node: XmlNode, name: string, where: string): XmlNode {
  const value = optNode(node, name);
  if (value === undefined) throw new WsusProtocolError(`${where}: missing <${name}>`, 'shape');
  return asNode(value);
}

/** A child element as a node, or undefined when absent or nil. */
export function optElement(node: XmlNode, name: string): XmlNode | undefined {
  const value = optNode(node, name);
  return value === undefined ? undefined : asNode(value);
}

function asNode(value: unknown): XmlNode {
  if (value !== null && typeof value === 'object') return value as XmlNode;
  return value === '' ? {} : { '#text': value };
}

/** Every occurrence of a repeated child element, as nodes. */
export function elements(node: XmlNode, name: string): XmlNode[] {
  return list<unknown>(node[name]).map(asNode);
}

export function optText(node: XmlNode, name: string): string | undefined {
  const value = optNode(node, name);
  return value === undefined ? undefined : textOf(value);
}

export function reqText(node: XmlNode, name: string, where: string): string {
  const value = optText(node, name);
  if (value === undefined) throw new WsusProtocolError(`${where}: missing <${name}>`, 'shape');
  return value;
}

const INT_RE = /^[+-]?\d{1,19}$/;

export function toInt(text: string, where: string): number {
  const t = text.trim();
  if (!INT_RE.test(t)) throw new WsusProtocolError(`${where}: expected an integer, got ${quote(t)}`, 'value');
  return Number(t);
}

export function reqInt(node: XmlNode, name: string, where: string): number {
  return toInt(reqText(node, name, where), `${where}/${name}`);
}

export function optInt(node: XmlNode, name: string, where: string): number | undefined {
  const t = optText(node, name);
  return t === undefined ? undefined : toInt(t, `${where}/${name}`);
}

export function toBool(text: string, where: string): boolean {
  const t = text.trim();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new WsusProtocolError(`${where}: expected a boolean, got ${quote(t)}`, 'value');
}

export function reqBool(node: XmlNode, name: string, where: string): boolean {
  return toBool(reqText(node, name, where), `${where}/${name}`);
}

export function optBool(node: XmlNode, name: string, where: string): boolean | undefined {
  const t = optText(node, name);
  return t === undefined ? undefined : toBool(t, `${where}/${name}`);
}

/** `<name><item>text</item>…</name>` as strings; undefined when the wrapper is absent or nil. */
export function optTextList(node: XmlNode, name: string, item: string): string[] | undefined {
  const wrapper = optNode(node, name);
  if (wrapper === undefined) return undefined;
  if (typeof wrapper !== 'object' || wrapper === null) return [];
  return list<unknown>((wrapper as XmlNode)[item]).map((v) => textOf(v));
}

/** `<name><int>1</int>…</name>` as numbers; undefined when the wrapper is absent or nil. */
export function optIntList(node: XmlNode, name: string, where: string): number[] | undefined {
  const texts = optTextList(node, name, 'int');
  return texts?.map((t) => toInt(t, `${where}/${name}`));
}

export function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
