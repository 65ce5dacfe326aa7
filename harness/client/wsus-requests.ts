// The [MS-WUSP] requests of an emulated client as ClientRequests: the SOAP envelope from
// protocol/wsus, the headers and machine facts WUA sends (wua-identity.ts), and the
// driver-pass SystemSpec, the same for every client and so built once.
import { buildWsusRequest, type Device, pathFor, type WsusRequest } from '../../protocol/wsus/index.ts';
import { wsusHeaders } from './wua-identity.ts';
import type { ClientRequest } from './request.ts';

export const WSUS_PROTOCOL_VERSION = '2.90';

/** `path`: where the operation's service is when not at its usual path (W-AUTH's ServiceUrl). */
export function wsusAction(origin: string, request: WsusRequest, tag: unknown, path?: string): ClientRequest {
  const op = request.operation;
  return {
    operation: `wsus.${op}`,
    origin,
    method: 'POST',
    path: path ?? pathFor(op),
    headers: wsusHeaders(op),
    body: buildWsusRequest(request),
    tag,
  };
}

/** Devices of the driver pass: a virtual PC whose NIC and SCSI controller match catalog drivers. */
const DEVICE_SPEC: readonly [string, string, string][] = [
  ['PCI\\VEN_1AF4&DEV_1000&SUBSYS_00011AF4&REV_00', 'Net', 'Red Hat VirtIO Ethernet Adapter'],
  ['PCI\\VEN_1AF4&DEV_1001&SUBSYS_00021AF4&REV_00', 'SCSIAdapter', 'Red Hat VirtIO SCSI controller'],
  ['PCI\\VEN_8086&DEV_2918&SUBSYS_11001AF4&REV_02', 'System', 'Intel(R) ICH9 LPC Interface Controller'],
  ['PCI\\VEN_8086&DEV_2922&SUBSYS_11001AF4&REV_02', 'SCSIAdapter', 'Standard SATA AHCI Controller'],
  ['PCI\\VEN_1234&DEV_1111&SUBSYS_11001AF4&REV_02', 'Display', 'Microsoft Basic Display Adapter'],
  ['PCI\\VEN_1B36&DEV_000D&SUBSYS_11001AF4&REV_01', 'USB', 'Standard USB 3.0 eXtensible Host Controller'],
  ['ACPI\\PNP0303', 'Keyboard', 'Standard PS/2 Keyboard'],
  ['ACPI\\PNP0A08', 'System', 'PCI Express Root Complex'],
];

/** One shared SystemSpec for every client (device facts are not per-client state worth memory). Read-only. */
export const SYSTEM_SPEC: Device[] = DEVICE_SPEC.map(([hwid, cls, model]) => {
  const parts = hwid.split('&');
  const forms = parts.length < 3 ? [hwid] : [hwid, parts.slice(0, -1).join('&'), `${parts[0]}&${parts[1]}`];
  return {
    hardwareIds: [...new Set(forms)],
    compatibleIds: [hwid.split('&')[0]!],
    installedDriver: {
      driverVerDate: '2006-06-21',
      driverVerVersion: '2814750970478592',
      class: cls,
      manufacturer: 'Microsoft',
      provider: 'Microsoft',
      model,
      driverRank: 16719872,
    },
  };
});
