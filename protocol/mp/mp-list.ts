// `GET /SMS_MP/.sms_aut?MPLIST` reply: the MPs of the site (protocol-reference §2.1).
import type { XmlNode } from '../xml.ts';
import { MpProtocolError } from './errors.ts';
import { attr, intOf, optChild, parseRoot } from './xml-read.ts';
import { el, textEl } from './xml-write.ts';
import { list } from '../xml.ts';

/** Elements that always parse as arrays (module constants: the XML layer keeps one parser per set). */
const MP_LIST_ARRAYS = new Set(['MP']);

export interface MpListEntry {
  /** NetBIOS name of the MP server. */
  name: string;
  fqdn: string;
  siteCode: string;
  /** Build number of the site (9128 means 5.00.9128). */
  version: number;
}

export interface MpList {
  mps: MpListEntry[];
}

export function buildMpList(reply: MpList): string {
  let inner = '';
  for (const mp of reply.mps) {
    inner += el(
      'MP',
      [
        ['Name', mp.name],
        ['FQDN', mp.fqdn],
        ['SiteCode', mp.siteCode],
      ],
      textEl('Version', mp.version) + el('Capabilities', [['SchemaVersion', '1.0']]),
    );
  }
  return el('MPList', [], inner);
}

export function parseMpList(xml: string): MpList {
  const root = parseRoot(xml, 'MPList', MP_LIST_ARRAYS);
  const mps = list<XmlNode>(root.MP).map((mp, i) => {
    const fqdn = attr(mp, 'FQDN');
    if (fqdn === undefined) throw new MpProtocolError(`MPList/MP[${i}]: missing FQDN`, 'shape');
    const version = optChild(mp, 'Version')['#text'];
    return {
      name: attr(mp, 'Name') ?? '',
      fqdn,
      siteCode: attr(mp, 'SiteCode') ?? '',
      version: version === undefined ? 0 : intOf(String(version), `MPList/MP[${i}]/Version`),
    };
  });
  return { mps };
}
