// SystemSpec/Device of the SyncUpdates driver pass, children in the order real WUA sends them.
import type { XmlNode } from '../../xml.ts';
import { NS_XSI } from '../namespaces.ts';
import type { Device, ExtensionDriver, InstalledDriver } from '../types.ts';
import { elements, optBool, optElement, optInt, optText, optTextList, reqInt, reqText } from '../xml-read.ts';
import { el, optListEl, optTextEl, textEl } from '../xml-write.ts';

/** WUA (a WCF client) always sends MatchingComputerHWID, nil when there is none, with its own xsi prefix. */
const NIL_HWID = `<MatchingComputerHWID a:nil="true" xmlns:a="${NS_XSI}"/>`;

function writeHwid(value: string | undefined): string {
  return value === undefined ? NIL_HWID : textEl('MatchingComputerHWID', value);
}

function writeInstalledDriver(d: InstalledDriver): string {
  return el(
    'installedDriver',
    optTextEl('MatchingID', d.matchingId) +
      textEl('DriverVerDate', d.driverVerDate) +
      textEl('DriverVerVersion', d.driverVerVersion) +
      optTextEl('Class', d.class) +
      optTextEl('Manufacturer', d.manufacturer) +
      optTextEl('Provider', d.provider) +
      optTextEl('Model', d.model) +
      writeHwid(d.matchingComputerHwid) +
      textEl('DriverRank', d.driverRank) +
      optTextEl('SkipProviderFiltering', d.skipProviderFiltering) +
      optTextEl('IsGeneric', d.isGeneric),
  );
}

function writeExtensionDriver(d: ExtensionDriver): string {
  return el(
    'ExtensionDriver',
    textEl('ExtensionId', d.extensionId) +
      textEl('DriverVerDate', d.driverVerDate) +
      textEl('DriverVerVersion', d.driverVerVersion) +
      optTextEl('Class', d.class) +
      textEl('DriverRank', d.driverRank) +
      writeHwid(d.matchingComputerHwid),
  );
}

export function writeDevice(d: Device): string {
  let extensions = '';
  if (d.extensionDrivers) {
    for (const x of d.extensionDrivers) extensions += writeExtensionDriver(x);
    extensions = el('extensionDrivers', extensions);
  }
  return el(
    'Device',
    optListEl('HardwareIDs', 'string', d.hardwareIds) +
      optListEl('CompatibleIDs', 'string', d.compatibleIds) +
      (d.installedDriver ? writeInstalledDriver(d.installedDriver) : '') +
      extensions +
      optTextEl('DeviceFlags', d.deviceFlags),
  );
}

/** Copies the optional string fields that are present (keeps absent ones absent for exact round trips). */
function copyOptText<T>(target: T, node: XmlNode, pairs: readonly [string, keyof T][]): void {
  for (const [xmlName, key] of pairs) {
    const value = optText(node, xmlName);
    if (value !== undefined) (target as Record<keyof T, unknown>)[key] = value;
  }
}

function readInstalledDriver(n: XmlNode, where: string): InstalledDriver {
  const d: InstalledDriver = {
    driverVerDate: reqText(n, 'DriverVerDate', where),
    driverVerVersion: reqText(n, 'DriverVerVersion', where),
    driverRank: reqInt(n, 'DriverRank', where),
  };
  copyOptText(d, n, [
    ['MatchingID', 'matchingId'],
    ['Class', 'class'],
    ['Manufacturer', 'manufacturer'],
    ['Provider', 'provider'],
    ['Model', 'model'],
    ['MatchingComputerHWID', 'matchingComputerHwid'],
  ]);
  const skip = optBool(n, 'SkipProviderFiltering', where);
  if (skip !== undefined) d.skipProviderFiltering = skip;
  const generic = optBool(n, 'IsGeneric', where);
  if (generic !== undefined) d.isGeneric = generic;
  return d;
}

function readExtensionDriver(n: XmlNode, where: string): ExtensionDriver {
  const d: ExtensionDriver = {
    extensionId: reqText(n, 'ExtensionId', where),
    driverVerDate: reqText(n, 'DriverVerDate', where),
    driverVerVersion: reqText(n, 'DriverVerVersion', where),
    driverRank: reqInt(n, 'DriverRank', where),
  };
  copyOptText(d, n, [
    ['Class', 'class'],
    ['MatchingComputerHWID', 'matchingComputerHwid'],
  ]);
  return d;
}

export function readDevice(n: XmlNode, where: string): Device {
  const d: Device = { hardwareIds: optTextList(n, 'HardwareIDs', 'string') ?? [] };
  const compatible = optTextList(n, 'CompatibleIDs', 'string');
  if (compatible !== undefined) d.compatibleIds = compatible;
  const installed = optElement(n, 'installedDriver');
  if (installed) d.installedDriver = readInstalledDriver(installed, `${where}/installedDriver`);
  const extensions = optElement(n, 'extensionDrivers');
  if (extensions) {
    d.extensionDrivers = elements(extensions, 'ExtensionDriver').map((x, i) =>
      readExtensionDriver(x, `${where}/extensionDrivers/ExtensionDriver[${i}]`),
    );
  }
  const flags = optInt(n, 'DeviceFlags', where);
  if (flags !== undefined) d.deviceFlags = flags;
  return d;
}
