// `GET /SMS_MP/.sms_aut?MPKEYINFORMATION` reply: the MP's FQDN and site code, then its key material
// as upper-case element names holding hex (protocol-reference §2.1).
import { type XmlNode, escapeXml } from '../xml.ts';
import { MpProtocolError } from './errors.ts';
import { parseRoot } from './xml-read.ts';
import { textEl } from './xml-write.ts';

export interface MpKeyInformation {
  fqdn: string;
  siteCode: string;
  /** Further children by element name (e.g. a signing certificate in hex), in document order. */
  keys: Record<string, string>;
}

export function buildMpKeyInformation(info: MpKeyInformation): string {
  let inner = textEl('FQDN', info.fqdn) + textEl('SITECODE', info.siteCode);
  for (const [name, value] of Object.entries(info.keys)) {
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new MpProtocolError(`not an element name: ${name}`, 'value');
    inner += `<${name}>${escapeXml(value)}</${name}>`;
  }
  return `<MPKEYINFORMATION>${inner}</MPKEYINFORMATION>`;
}

export function parseMpKeyInformation(xml: string): MpKeyInformation {
  const root = parseRoot(xml, 'MPKEYINFORMATION');
  const text = (v: unknown) =>
    typeof v === 'object' && v !== null ? String((v as XmlNode)['#text'] ?? '') : String(v);
  if (root.FQDN === undefined || root.SITECODE === undefined) {
    throw new MpProtocolError('MPKEYINFORMATION: missing FQDN or SITECODE', 'shape');
  }
  const keys: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (name === 'FQDN' || name === 'SITECODE' || name.startsWith('@_') || name === '#text') continue;
    keys[name] = text(Array.isArray(value) ? value[0] : value);
  }
  return { fqdn: text(root.FQDN), siteCode: text(root.SITECODE), keys };
}
