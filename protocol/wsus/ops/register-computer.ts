// RegisterComputer: cookie + computerInfo -> an empty response.
import type { XmlNode } from '../../xml.ts';
import type { ComputerInfo } from '../types.ts';
import { optText, reqElement, reqInt, reqText } from '../xml-read.ts';
import { el, optTextEl } from '../xml-write.ts';
import { readCookie, writeCookie } from './common.ts';
import type { OpCodec } from './codec.ts';

type Kind = 'string' | 'optString' | 'int';

/** computerInfo children in wire order ([MS-WUSP] §2.2.2.2.3, same order in both captures). */
const FIELDS: readonly [string, keyof ComputerInfo, Kind][] = [
  ['DnsName', 'dnsName', 'string'],
  ['OSMajorVersion', 'osMajorVersion', 'int'],
  ['OSMinorVersion', 'osMinorVersion', 'int'],
  ['OSBuildNumber', 'osBuildNumber', 'int'],
  ['OSServicePackMajorNumber', 'osServicePackMajorNumber', 'int'],
  ['OSServicePackMinorNumber', 'osServicePackMinorNumber', 'int'],
  ['OSLocale', 'osLocale', 'optString'],
  ['ComputerManufacturer', 'computerManufacturer', 'optString'],
  ['ComputerModel', 'computerModel', 'optString'],
  ['BiosVersion', 'biosVersion', 'optString'],
  ['BiosName', 'biosName', 'optString'],
  ['BiosReleaseDate', 'biosReleaseDate', 'string'],
  ['ProcessorArchitecture', 'processorArchitecture', 'optString'],
  ['SuiteMask', 'suiteMask', 'int'],
  ['OldProductType', 'oldProductType', 'int'],
  ['NewProductType', 'newProductType', 'int'],
  ['SystemMetrics', 'systemMetrics', 'int'],
  ['ClientVersionMajorNumber', 'clientVersionMajorNumber', 'int'],
  ['ClientVersionMinorNumber', 'clientVersionMinorNumber', 'int'],
  ['ClientVersionBuildNumber', 'clientVersionBuildNumber', 'int'],
  ['ClientVersionQfeNumber', 'clientVersionQfeNumber', 'int'],
  ['OSDescription', 'osDescription', 'optString'],
  ['OEM', 'oem', 'optString'],
  ['DeviceType', 'deviceType', 'optString'],
  ['FirmwareVersion', 'firmwareVersion', 'optString'],
  ['MobileOperator', 'mobileOperator', 'optString'],
];

function writeComputerInfo(info: ComputerInfo): string {
  let inner = '';
  for (const [xmlName, key] of FIELDS) inner += optTextEl(xmlName, info[key]);
  return el('computerInfo', inner);
}

function readComputerInfo(node: XmlNode): ComputerInfo {
  const where = 'RegisterComputer/computerInfo';
  const out: Record<string, string | number> = {};
  for (const [xmlName, key, kind] of FIELDS) {
    if (kind === 'int') out[key] = reqInt(node, xmlName, where);
    else if (kind === 'string') out[key] = reqText(node, xmlName, where);
    else {
      const value = optText(node, xmlName);
      if (value !== undefined) out[key] = value;
    }
  }
  return out as unknown as ComputerInfo;
}

export const registerComputerCodec: OpCodec<'RegisterComputer'> = {
  writeRequest: (req) => writeCookie('cookie', req.cookie) + writeComputerInfo(req.computerInfo),
  readRequest: (node) => ({
    cookie: readCookie(node, 'cookie', 'RegisterComputer'),
    computerInfo: readComputerInfo(reqElement(node, 'computerInfo', 'RegisterComputer')),
  }),
  writeResponse: () => '',
  readResponse: () => ({}),
};
