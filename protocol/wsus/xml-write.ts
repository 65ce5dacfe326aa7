// Writing helpers. Element text escapes only & < > (what .NET writes, so our bodies have the real sizes);
// attribute values go through escapeXml. Absent optional values write nothing, empty strings and empty
// arrays write a self-closing element, as the captured servers and clients do.
import { escapeXml } from '../xml.ts';

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const TEXT_RE = /[&<>]/g;
const NEEDS_ESCAPE = /[&<>]/;

export function escapeText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(TEXT_RE, (c) => TEXT_ESCAPES[c]!) : text;
}

/** An element around already-serialised content; self-closing when empty. */
export function el(name: string, inner: string): string {
  return inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}

export function textEl(name: string, value: string | number | boolean): string {
  return el(name, typeof value === 'string' ? escapeText(value) : String(value));
}

export function optTextEl(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : textEl(name, value);
}

/** A wrapper of repeated text items (`<name><item>v</item>…</name>`); nothing when undefined. */
export function optListEl(
  name: string,
  item: string,
  values: readonly (string | number)[] | undefined,
): string {
  if (values === undefined) return '';
  let inner = '';
  for (const v of values) inner += `<${item}>${typeof v === 'string' ? escapeText(v) : v}</${item}>`;
  return el(name, inner);
}

export function optIntsEl(name: string, values: readonly number[] | undefined): string {
  return optListEl(name, 'int', values);
}

export function attrText(value: string): string {
  return escapeXml(value);
}
