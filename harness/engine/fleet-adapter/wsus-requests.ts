// The [MS-WUSP] requests of an emulated client as engine HttpActions: the SOAP envelope from
// protocol/wsus, the headers real WUA sends, and the machine facts (computer info, device spec,
// reporting events) that are the same for every client of an OS build and so are built once.
import { randomUUID } from 'node:crypto';
import {
  buildWsusRequest,
  type ComputerInfo,
  type Device,
  formatWsusTime,
  pathFor,
  type ReportingEvent,
  soapActionFor,
  type WsusOperation,
  type WsusRequest,
} from '../../../protocol/wsus/index.ts';
import type { HttpAction } from '../behaviour.ts';

const USER_AGENT = 'Windows-Update-Agent/1507.2601.30012.0 Client-Protocol/2.90';
export const WSUS_PROTOCOL_VERSION = '2.90';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** Headers per operation, built once: every request of a kind shares the object. */
const HEADERS = new Map<WsusOperation, Record<string, string>>();

function headersFor(op: WsusOperation): Record<string, string> {
  let h = HEADERS.get(op);
  if (!h) {
    h = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"${soapActionFor(op)}"`,
      'user-agent': USER_AGENT,
    };
    HEADERS.set(op, h);
  }
  return h;
}

export function wsusAction(origin: string, request: WsusRequest, tag: unknown): HttpAction {
  const op = request.operation;
  return {
    operation: `wsus.${op}`,
    origin,
    method: 'POST',
    path: pathFor(op),
    headers: headersFor(op),
    body: buildWsusRequest(request),
    tag,
  };
}

const COMPUTER_INFO = new Map<number, Omit<ComputerInfo, 'dnsName'>>();

/** RegisterComputer's ComputerInfo of a machine of this build (a QEMU VM, as the captures show). */
export function computerInfo(build: number, dnsName: string): ComputerInfo {
  let base = COMPUTER_INFO.get(build);
  if (!base) {
    base = {
      osMajorVersion: 10,
      osMinorVersion: 0,
      osBuildNumber: build,
      osServicePackMajorNumber: 0,
      osServicePackMinorNumber: 0,
      osLocale: 'en-US',
      computerManufacturer: 'QEMU',
      computerModel: 'Standard PC (Q35 + ICH9, 2009)',
      biosVersion: 'unknown',
      biosName: 'unknown',
      biosReleaseDate: '2022-02-02T00:00:00Z',
      processorArchitecture: 'AMD64',
      suiteMask: 256,
      oldProductType: build === 20348 || build === 17763 ? 3 : 1,
      newProductType: build === 20348 || build === 17763 ? 8 : 48,
      systemMetrics: 0,
      clientVersionMajorNumber: 1507,
      clientVersionMinorNumber: 2601,
      clientVersionBuildNumber: 30012,
      clientVersionQfeNumber: 0,
      osDescription:
        build === 20348 || build === 17763
          ? 'Windows Server'
          : build >= 22000
            ? 'Windows 11 Pro'
            : 'Windows 10 Pro',
      oem: 'QEMU',
      deviceType: 'Standard PC (Q35 + ICH9, 2009)',
      firmwareVersion: 'unknown',
      mobileOperator: 'Not Present',
    };
    COMPUTER_INFO.set(build, base);
  }
  return { dnsName, ...base };
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

/** The two events WUA reports after a scan (147 detection finished, 156 agent status). */
export function scanReportEvents(
  susClientId: string,
  build: number,
  firstSequence: number,
  now: number,
  applicable: number,
): ReportingEvent[] {
  const time = formatWsusTime(now, 'wsus');
  const sampling = Number.parseInt(susClientId.replace(/-/g, '').slice(0, 6), 16) % 1000;
  const event = (sequence: number, eventId: number, strings: string[], misc: string[]): ReportingEvent => ({
    targetSid: susClientId,
    sequenceNumber: sequence,
    timeAtTarget: time,
    eventInstanceId: randomUUID(),
    namespaceId: 1,
    eventId,
    sourceId: 101,
    updateId: { updateId: EMPTY_GUID, revisionNumber: 0 },
    win32HResult: 0,
    appName: 'CcmExec',
    replacementStrings: strings,
    miscData: [
      'B=3',
      'C=3',
      ...misc,
      'G=1507.2601.30012.0',
      `J=${sampling}`,
      'K=unknown',
      'L=2022-02-02T00:00:00',
      'P=1',
      'Q=1',
      'AppName=CcmExec',
      'CsiErrorType=0',
    ],
    computerBrand: 'QEMU',
    computerModel: 'Standard PC (Q35 + ICH9, 2009)',
    biosRevision: 'unknown',
    processorArchitecture: 'Amd64Compatible',
    osVersion: { major: 10, minor: 0, build, revision: 65792, servicePackMajor: 0, servicePackMinor: 0 },
    osLocaleId: 1033,
  });
  return [
    event(firstSequence, 147, [String(applicable)], [`D=${applicable}`]),
    event(firstSequence + 1, 156, [], ['D=0', 'AgentStatus=30']),
  ];
}
