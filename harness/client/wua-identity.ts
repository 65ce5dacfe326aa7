// What an emulated WUA client says about itself on the wire, shared by the fleet's scans (scan-exchange.ts)
// and the driver's protocol-level scan client (harness/driver/wsus-client.ts): the headers real WUA sends,
// the RegisterComputer ComputerInfo of a machine of an OS build, and the two events it reports after a
// scan. These are the same for every client of a build, so they are built once.
import {
  type ComputerInfo,
  formatWsusTime,
  type ReportingEvent,
  soapActionHeader,
  type WsusOperation,
} from '../../protocol/wsus/index.ts';

export const WUA_USER_AGENT = 'Windows-Update-Agent/1507.2601.30012.0 Client-Protocol/2.90';
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** Headers per operation, built once: every request of a kind shares the object. Read-only. */
const HEADERS = new Map<WsusOperation, Record<string, string>>();

export function wsusHeaders(op: WsusOperation): Record<string, string> {
  let h = HEADERS.get(op);
  if (!h) {
    h = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: soapActionHeader(op),
      'user-agent': WUA_USER_AGENT,
    };
    HEADERS.set(op, h);
  }
  return h;
}

const COMPUTER_INFO = new Map<number, Omit<ComputerInfo, 'dnsName'>>();

/** RegisterComputer's ComputerInfo of a machine of this build (a QEMU VM, as the captures show). */
export function computerInfo(build: number, dnsName: string): ComputerInfo {
  let base = COMPUTER_INFO.get(build);
  if (!base) {
    const server = build === 20348 || build === 17763;
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
      oldProductType: server ? 3 : 1,
      newProductType: server ? 8 : 48,
      systemMetrics: 0,
      clientVersionMajorNumber: 1507,
      clientVersionMinorNumber: 2601,
      clientVersionBuildNumber: 30012,
      clientVersionQfeNumber: 0,
      osDescription: server ? 'Windows Server' : build >= 22000 ? 'Windows 11 Pro' : 'Windows 10 Pro',
      oem: 'QEMU',
      deviceType: 'Standard PC (Q35 + ICH9, 2009)',
      firmwareVersion: 'unknown',
      mobileOperator: 'Not Present',
    };
    COMPUTER_INFO.set(build, base);
  }
  return { dnsName, ...base };
}

/** The two events WUA reports after a scan (147 detection finished, 156 agent status), numbered from
 *  firstSequence; `uuid` gives each its EventInstanceID (the platform's, ClientPlatform.uuid). */
export function scanReportEvents(
  uuid: () => string,
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
    eventInstanceId: uuid(),
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
