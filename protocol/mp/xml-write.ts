// Minimal XML writing for the MP codecs: attribute lists and elements as strings. Builders concatenate
// strings rather than build trees because a 300-message state report must build in well under 1 ms.
import { escapeXml } from '../xml.ts';

export type Attrs = ReadonlyArray<readonly [name: string, value: string | number | undefined]>;

/** ` a="1" b="2"`; attributes whose value is undefined are left out. */
export function attrs(list: Attrs): string {
  let out = '';
  for (const [name, value] of list) if (value !== undefined) out += ` ${name}="${escapeXml(String(value))}"`;
  return out;
}

/** `<name attrs/>` or `<name attrs>inner</name>`; inner is raw XML (escape text with `text()`). */
export function el(name: string, list: Attrs = [], inner?: string): string {
  if (inner === undefined || inner === '') return `<${name}${attrs(list)}/>`;
  return `<${name}${attrs(list)}>${inner}</${name}>`;
}

/** An element holding escaped text; empty text gives `<name/>`. */
export function textEl(name: string, value: string | number): string {
  return el(name, [], escapeXml(String(value)));
}

/** A CDATA section; a `]]>` inside the text is split so it cannot end the section early. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
