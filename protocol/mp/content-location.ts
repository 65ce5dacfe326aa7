// Content location (MP_LocationManager): which DPs hold a content id (protocol-reference §3.2).
import { type XmlNode, list } from '../xml.ts';
import {
  type ClientLocationInfo,
  buildClientLocationInfo,
  parseClientLocationInfo,
} from './client-location-info.ts';
import { attr, childText, intOf, optChild, parseRoot, reqAttr } from './xml-read.ts';
import { el, textEl } from './xml-write.ts';

/** Elements that always parse as arrays (module constants: the XML layer keeps one parser per set). */
const CONTENT_REQUEST_ARRAYS = new Set(['IPAddress']);
const CONTENT_REPLY_ARRAYS = new Set(['Site', 'LocationRecord', 'Hash']);

export interface ContentLocationRequest {
  /** Content id without the `UID:` prefix the wire form adds for software updates. */
  contentId: string;
  version: number;
  siteCode: string;
  /** `SMSUpdate` for software-update content, `SMSPackage` for packages. */
  locationType: string;
  allowHttp: boolean;
  allowSmb: boolean;
  location: ClientLocationInfo;
}

export type DpLocality = 'LOCAL' | 'SUBNET' | 'ADSITE' | 'REMOTE' | 'FALLBACK';

export interface ContentLocationRecord {
  /** Content URL, `http://DP/SMS_DP_SMSPKG$/<contentId>`. */
  url: string;
  /** Signature URL, `http://DP/SMS_DP_SMSSIG$/<contentId>.1.tar`. */
  signature?: string;
  serverRemoteName: string;
  /** `SERVER` for a standard DP. */
  dpType: string;
  locality: DpLocality;
  version: number;
}

export interface ContentLocationReply {
  siteCode: string;
  records: ContentLocationRecord[];
  /** Content hashes; algorithm 32780 is SHA-256 (CALG_SHA_256). */
  contentHashes: { algorithm: number; value: string }[];
}

export const CALG_SHA_256 = 32780;

/** Request flags a software-updates client sends switched off, in wire order (AllowHTTP/SMB follow). */
const FIXED_FLAGS = [
  'DistributeOnDemand',
  'UseAzure',
  'AllowWUMU',
  'UseProtected',
  'AllowCaching',
  'BranchDPFlags',
  'UseInternetDP',
];

export function buildContentLocationRequest(req: ContentLocationRequest): string {
  const flags: [string, string][] = [
    ['LocationType', req.locationType],
    ...FIXED_FLAGS.map((f): [string, string] => [f, '0']),
    ['AllowHTTP', req.allowHttp ? '1' : '0'],
    ['AllowSMB', req.allowSmb ? '1' : '0'],
    ['AllowMulticast', '0'],
  ];
  const packageId = req.locationType === 'SMSUpdate' ? `UID:${req.contentId}` : req.contentId;
  return el(
    'ContentLocationRequest',
    [
      ['SchemaVersion', '1.00'],
      ['ExcludeFileList', ''],
    ],
    el('Package', [
      ['ID', packageId],
      ['Version', req.version],
    ]) +
      el('AssignedSite', [['SiteCode', req.siteCode]]) +
      buildClientLocationInfo({ ...req.location, onInternet: undefined }, flags),
  );
}

export function parseContentLocationRequest(xml: string): ContentLocationRequest {
  const root = parseRoot(xml, 'ContentLocationRequest', CONTENT_REQUEST_ARRAYS);
  const pkg = optChild(root, 'Package');
  const info = optChild(root, 'ClientLocationInfo');
  const location = parseClientLocationInfo(info);
  delete location.onInternet;
  return {
    contentId: reqAttr(pkg, 'ID', 'ContentLocationRequest/Package').replace(/^UID:/i, ''),
    version: intOf(attr(pkg, 'Version') ?? '0', 'Package@Version'),
    siteCode: attr(optChild(root, 'AssignedSite'), 'SiteCode') ?? '',
    locationType: attr(info, 'LocationType') ?? '',
    allowHttp: attr(info, 'AllowHTTP') !== '0',
    allowSmb: attr(info, 'AllowSMB') === '1',
    location,
  };
}

export function buildContentLocationReply(reply: ContentLocationReply): string {
  const hashes = reply.contentHashes.map((h) => el('Hash', [['Algorithm', h.algorithm]], h.value)).join('');
  const records = reply.records
    .map((r) =>
      el(
        'LocationRecord',
        [],
        el('URL', [
          ['Name', r.url],
          ['Signature', r.signature],
        ]) +
          textEl('ServerRemoteName', r.serverRemoteName) +
          textEl('DPType', r.dpType) +
          textEl('Locality', r.locality) +
          textEl('Version', r.version) +
          el('Capabilities', [['SchemaVersion', '1.0']]),
      ),
    )
    .join('');
  const site = el(
    'Site',
    [],
    el('MPSite', [
      ['SiteCode', reply.siteCode],
      ['MasterSiteCode', reply.siteCode],
    ]) + el('LocationRecords', [], records),
  );
  return el(
    'ContentLocationReply',
    [['SchemaVersion', '1.00']],
    el('ContentInfo', [], el('ContentHashValues', [], hashes)) + el('Sites', [], site),
  );
}

const LOCALITIES = new Set<string>(['LOCAL', 'SUBNET', 'ADSITE', 'REMOTE', 'FALLBACK']);

export function parseContentLocationReply(xml: string): ContentLocationReply {
  const root = parseRoot(xml, 'ContentLocationReply', CONTENT_REPLY_ARRAYS);
  const text = (node: XmlNode, name: string) => childText(node, name) ?? '';
  let siteCode = '';
  const records: ContentLocationRecord[] = [];
  for (const site of list<XmlNode>(optChild(root, 'Sites').Site)) {
    siteCode ||= attr(optChild(site, 'MPSite'), 'SiteCode') ?? '';
    for (const r of list<XmlNode>(optChild(site, 'LocationRecords').LocationRecord)) {
      const url = optChild(r, 'URL');
      const locality = text(r, 'Locality').toUpperCase();
      const record: ContentLocationRecord = {
        url: reqAttr(url, 'Name', 'LocationRecord/URL'),
        serverRemoteName: text(r, 'ServerRemoteName'),
        dpType: text(r, 'DPType'),
        locality: (LOCALITIES.has(locality) ? locality : 'REMOTE') as DpLocality,
        version: intOf(text(r, 'Version') || '0', 'LocationRecord/Version'),
      };
      const signature = attr(url, 'Signature');
      if (signature !== undefined) record.signature = signature;
      records.push(record);
    }
  }
  const contentHashes = list<XmlNode>(optChild(optChild(root, 'ContentInfo'), 'ContentHashValues').Hash).map(
    (h) => ({
      algorithm: intOf(attr(h, 'Algorithm') ?? '0', 'Hash@Algorithm'),
      value: String(h['#text'] ?? ''),
    }),
  );
  return { siteCode, records, contentHashes };
}
