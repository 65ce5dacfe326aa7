// WSUS location (MP_LocationManager): which SUPs serve the client's UpdateSource at its content
// version (protocol-reference §2.5). An empty reply means no SUP matches that version (failed sync).
import { type XmlNode, list } from '../xml.ts';
import {
  type ClientLocationInfo,
  buildClientLocationInfo,
  parseClientLocationInfo,
} from './client-location-info.ts';
import { MpProtocolError } from './errors.ts';
import { attr, intOf, optChild, parseRoot, reqAttr } from './xml-read.ts';
import { el } from './xml-write.ts';

/** Elements that always parse as arrays (module constants: the XML layer keeps one parser per set). */
const WSUS_REQUEST_ARRAYS = new Set(['IPAddress']);
const WSUS_REPLY_ARRAYS = new Set(['Site', 'LocationRecord']);

export interface WsusLocationRequest {
  /** UpdateSourceID from the UpdateSource policy, `{guid}`. */
  updateSourceId: string;
  contentVersion: number;
  siteCode: string;
  location: ClientLocationInfo;
}

export interface WsusLocationRecord {
  /** SUP base URL with its port, e.g. `http://sup.contoso.com:8530`. */
  wsusUrl: string;
  serverName: string;
  version: number;
}

export interface WsusLocationReply {
  siteCode: string;
  records: WsusLocationRecord[];
}

export function buildWsusLocationRequest(req: WsusLocationRequest): string {
  return el(
    'WSUSLocationRequest',
    [['SchemaVersion', '1.00']],
    el('Content', [
      ['ID', req.updateSourceId],
      ['Version', req.contentVersion],
    ]) +
      el('AssignedSite', [['SiteCode', req.siteCode]]) +
      buildClientLocationInfo({ ...req.location, onInternet: req.location.onInternet ?? false }),
  );
}

export function parseWsusLocationRequest(xml: string): WsusLocationRequest {
  const root = parseRoot(xml, 'WSUSLocationRequest', WSUS_REQUEST_ARRAYS);
  const content = optChild(root, 'Content');
  return {
    updateSourceId: reqAttr(content, 'ID', 'WSUSLocationRequest/Content'),
    contentVersion: intOf(reqAttr(content, 'Version', 'WSUSLocationRequest/Content'), 'Content@Version'),
    siteCode: attr(optChild(root, 'AssignedSite'), 'SiteCode') ?? '',
    location: parseClientLocationInfo(optChild(root, 'ClientLocationInfo')),
  };
}

export function buildWsusLocationReply(reply: WsusLocationReply): string {
  const records = reply.records
    .map((r) =>
      el('LocationRecord', [
        ['WSUSURL', r.wsusUrl],
        ['ServerName', r.serverName],
        ['Version', r.version],
      ]),
    )
    .join('');
  const site = el(
    'Site',
    [],
    el('MPSite', [['SiteCode', reply.siteCode]]) + el('LocationRecords', [], records),
  );
  return el('WSUSLocationReply', [['SchemaVersion', '1.00']], el('Sites', [], site));
}

export function parseWsusLocationReply(xml: string): WsusLocationReply {
  const root = parseRoot(xml, 'WSUSLocationReply', WSUS_REPLY_ARRAYS);
  const sites = list<XmlNode>(optChild(root, 'Sites').Site);
  const records: WsusLocationRecord[] = [];
  let siteCode = '';
  for (const site of sites) {
    siteCode ||= attr(optChild(site, 'MPSite'), 'SiteCode') ?? '';
    for (const r of list<XmlNode>(optChild(site, 'LocationRecords').LocationRecord)) {
      const wsusUrl = reqAttr(r, 'WSUSURL', 'LocationRecord');
      if (!/^https?:\/\/[^/]+/i.test(wsusUrl))
        throw new MpProtocolError(`WSUSURL is not a URL: ${wsusUrl}`, 'value');
      records.push({
        wsusUrl,
        serverName: attr(r, 'ServerName') ?? '',
        version: intOf(attr(r, 'Version') ?? '0', 'LocationRecord@Version'),
      });
    }
  }
  return { siteCode, records };
}
