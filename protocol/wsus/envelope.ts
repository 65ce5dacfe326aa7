// SOAP 1.1 envelopes exactly as the captures show them, and the reading side that checks namespaces.
// Writing: requests in the real WUA's form (prefix s, no XML declaration, for all three services);
// replies of the client web service with prefix s and xsi/xsd declared on Body; replies of the ASMX services
// (SimpleAuth, Reporting) with an XML declaration, prefix soap and xsi/xsd declared on Envelope.
// Reading: protocol/xml.ts drops namespace prefixes, so the namespaces of Envelope and of the body element
// are resolved here from the raw start tags (the first three elements of the document).
import { MAX_XML_CHARS, type XmlNode, XmlError, parseXml } from '../xml.ts';
import { WsusProtocolError } from './errors.ts';
import { NS_SOAP, NS_XSD, NS_XSI, type WsusOperation, namespaceFor, serviceOf } from './namespaces.ts';

/** A whole request envelope around the operation element's content. */
export function requestEnvelope(op: WsusOperation, inner: string): string {
  return `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body>${bodyElement(op, inner)}</s:Body></s:Envelope>`;
}

/** A whole response envelope around the `<op>Response` element's content. */
export function responseEnvelope(op: WsusOperation, inner: string): string {
  const body = bodyElement(`${op}Response`, inner, namespaceFor(op));
  if (serviceOf(op) === 'client') {
    return `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body xmlns:xsi="${NS_XSI}" xmlns:xsd="${NS_XSD}">${body}</s:Body></s:Envelope>`;
  }
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS_SOAP}" xmlns:xsi="${NS_XSI}" ` +
    `xmlns:xsd="${NS_XSD}"><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

function bodyElement(name: string, inner: string, ns = namespaceFor(name as WsusOperation)): string {
  return inner === '' ? `<${name} xmlns="${ns}"/>` : `<${name} xmlns="${ns}">${inner}</${name}>`;
}

/** The one element inside a SOAP Body: its local name, resolved namespace and parsed content. */
export interface BodyElement {
  name: string;
  ns: string;
  node: XmlNode;
}

/** Parses a SOAP 1.1 envelope and returns its single body element; typed errors for anything else. */
export function readEnvelope(xml: string): BodyElement {
  // Checked before the regex scan below so a huge input is refused in O(1).
  if (xml.length > MAX_XML_CHARS) {
    throw new XmlError(`XML document of ${xml.length} chars exceeds ${MAX_XML_CHARS}`, 'too-large');
  }
  const doc = parseXml(xml);
  const tags = firstStartTags(xml, 3);
  const [envTag, bodyTag, childTag] = tags;
  if (envTag?.local !== 'Envelope' || resolve(envTag.prefix, [envTag]) !== NS_SOAP) {
    throw new WsusProtocolError(
      'not a SOAP 1.1 envelope (root must be Envelope in the SOAP 1.1 namespace)',
      'envelope',
    );
  }
  if (bodyTag?.local !== 'Body' || resolve(bodyTag.prefix, [bodyTag, envTag]) !== NS_SOAP) {
    const found = bodyTag ? bodyTag.local : 'nothing';
    const why =
      found === 'Header' ? 'SOAP headers are not allowed by [MS-WUSP]' : `expected Body, found ${found}`;
    throw new WsusProtocolError(`SOAP envelope: ${why}`, 'envelope');
  }
  const envelope = doc.Envelope;
  const body = envelope && typeof envelope === 'object' ? (envelope as XmlNode).Body : undefined;
  const names = body && typeof body === 'object' ? Object.keys(body).filter((k) => !k.startsWith('@_')) : [];
  if (!childTag || names.length !== 1 || names[0] !== childTag.local) {
    throw new WsusProtocolError(`SOAP Body must hold exactly one element, found ${names.length}`, 'envelope');
  }
  const value = (body as XmlNode)[childTag.local];
  if (Array.isArray(value))
    throw new WsusProtocolError('SOAP Body must hold exactly one element', 'envelope');
  const node = value !== null && typeof value === 'object' ? (value as XmlNode) : {};
  const ns = resolve(childTag.prefix, [childTag, bodyTag, envTag]) ?? '';
  return { name: childTag.local, ns, node };
}

interface StartTag {
  prefix: string;
  local: string;
  /** Namespace declarations on this tag: prefix ('' = default) -> URI. */
  xmlns: Map<string, string>;
}

const NAME_RE = /<([A-Za-z_][\w.-]*)(?::([A-Za-z_][\w.-]*))?/y;
const ATTR_RE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

/** The first `count` start tags, skipping the XML declaration, PIs and comments. Input is already well-formed. */
function firstStartTags(xml: string, count: number): StartTag[] {
  const tags: StartTag[] = [];
  let pos = 0;
  while (tags.length < count) {
    pos = xml.indexOf('<', pos);
    if (pos < 0) break;
    const next = xml.charCodeAt(pos + 1);
    if (next === 0x3f /* ? */) {
      pos = xml.indexOf('?>', pos) + 2;
      continue;
    }
    if (next === 0x21 /* ! */) {
      pos = xml.startsWith('<!--', pos) ? xml.indexOf('-->', pos) + 3 : pos + 2;
      continue;
    }
    if (next === 0x2f /* / */) break; // an end tag before `count` starts: fewer elements than asked
    NAME_RE.lastIndex = pos;
    const m = NAME_RE.exec(xml);
    if (!m) break;
    const tag: StartTag = m[2]
      ? { prefix: m[1]!, local: m[2], xmlns: new Map() }
      : { prefix: '', local: m[1]!, xmlns: new Map() };
    let at = NAME_RE.lastIndex;
    for (;;) {
      ATTR_RE.lastIndex = at;
      const a = ATTR_RE.exec(xml);
      if (!a) break;
      const name = a[1]!;
      if (name === 'xmlns') tag.xmlns.set('', a[2] ?? a[3] ?? '');
      else if (name.startsWith('xmlns:')) tag.xmlns.set(name.slice(6), a[2] ?? a[3] ?? '');
      at = ATTR_RE.lastIndex;
    }
    tags.push(tag);
    pos = at;
  }
  return tags;
}

/** Resolves a prefix against the declarations of a tag and its ancestors (innermost first). */
function resolve(prefix: string, scope: (StartTag | undefined)[]): string | undefined {
  for (const tag of scope) {
    const uri = tag?.xmlns.get(prefix);
    if (uri !== undefined) return uri;
  }
  return undefined;
}
