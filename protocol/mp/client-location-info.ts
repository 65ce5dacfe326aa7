// ClientLocationInfo, shared by WSUSLocationRequest and ContentLocationRequest: where the client is
// (AD site, forest, domain, IP addresses), which the MP uses to pick boundary-local servers.
import { type XmlNode, list } from '../xml.ts';
import { attr, optChild } from './xml-read.ts';
import { el } from './xml-write.ts';

export interface ClientLocationInfo {
  onInternet?: boolean;
  adSite: string;
  forest: string;
  domain: string;
  ipAddresses: { subnetAddress: string; address: string }[];
}

/** Writes the element; `extraAttrs` go first (ContentLocationRequest's LocationType, AllowHTTP, …). */
export function buildClientLocationInfo(
  info: ClientLocationInfo,
  extraAttrs: [string, string][] = [],
): string {
  const ips = info.ipAddresses
    .map((ip) =>
      el('IPAddress', [
        ['SubnetAddress', ip.subnetAddress],
        ['Address', ip.address],
      ]),
    )
    .join('');
  return el(
    'ClientLocationInfo',
    [...extraAttrs, ['OnInternet', info.onInternet === undefined ? undefined : info.onInternet ? '1' : '0']],
    el('ADSite', [['Name', info.adSite]]) +
      el('Forest', [['Name', info.forest]]) +
      el('Domain', [['Name', info.domain]]) +
      el('IPAddresses', [], ips),
  );
}

export function parseClientLocationInfo(node: XmlNode): ClientLocationInfo {
  const info: ClientLocationInfo = {
    adSite: attr(optChild(node, 'ADSite'), 'Name') ?? '',
    forest: attr(optChild(node, 'Forest'), 'Name') ?? '',
    domain: attr(optChild(node, 'Domain'), 'Name') ?? '',
    ipAddresses: list<XmlNode>(optChild(node, 'IPAddresses').IPAddress).map((ip) => ({
      subnetAddress: attr(ip, 'SubnetAddress') ?? '',
      address: attr(ip, 'Address') ?? '',
    })),
  };
  const onInternet = attr(node, 'OnInternet');
  if (onInternet !== undefined) info.onInternet = onInternet === '1';
  return info;
}
