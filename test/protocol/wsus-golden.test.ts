// Golden tests on real WUA <-> WSUS traffic: every captured request and response parses, and rebuilding
// from the parsed model gives the same skeleton (names, order, namespaces, attributes) as the capture.
// For the native Windows 11 client and for every server reply the rebuild is even byte-identical.
import { describe, expect, it } from 'vitest';
import {
  NS_CLIENT,
  NS_REPORTING,
  NS_SIMPLEAUTH,
  WsusFault,
  buildWsusRequest,
  buildWsusResponse,
  operationFromSoapAction,
  parseCoreFragment,
  parseWsusRequest,
  parseWsusResponse,
  pathFor,
  soapActionFor,
} from '../../protocol/wsus/index.ts';
import { loadExchanges } from './wsus/captures.ts';
import { skeletonText } from './wsus/skeleton.ts';

const exchanges = loadExchanges();
const successful = exchanges.filter((x) => x.status === 200);

describe('captured exchanges', () => {
  it('covers every captured exchange of the three sets', () => {
    expect(exchanges).toHaveLength(27);
    expect(new Set(exchanges.map((x) => x.operation)).size).toBe(8);
  });

  describe.each(exchanges.map((x) => [x.name, x] as const))('%s', (_name, x) => {
    it('request parses with the operation of its SOAPAction, and rebuilds to the same skeleton', () => {
      const req = parseWsusRequest(x.requestBody, x.soapAction);
      expect(req.operation).toBe(x.operation);
      const rebuilt = buildWsusRequest(req);
      expect(skeletonText(rebuilt)).toBe(skeletonText(x.requestBody));
      expect(parseWsusRequest(rebuilt, x.soapAction)).toEqual(req);
      // The native client's bytes come back exactly; the wsus-m0 driver uses its own envelope prefix.
      if (x.name.startsWith('wsus-m0-native')) expect(rebuilt).toBe(x.requestBody);
    });

    if (x.status === 200) {
      it('response parses, and rebuilds byte for byte', () => {
        const res = parseWsusResponse(x.operation, x.responseBody);
        expect(res.operation).toBe(x.operation);
        const rebuilt = buildWsusResponse(res);
        expect(skeletonText(rebuilt)).toBe(skeletonText(x.responseBody));
        expect(parseWsusResponse(x.operation, rebuilt)).toEqual(res);
        expect(rebuilt).toBe(x.responseBody);
      });
    }
  });

  it('turns the captured HTTP 500 reply into a WsusFault with InvalidParameters', () => {
    const x = exchanges.find((e) => e.name === 'wsus-m0/000141')!;
    expect(x.status).toBe(500);
    let thrown: unknown;
    try {
      parseWsusResponse('SyncUpdates', x.responseBody);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(WsusFault);
    const fault = thrown as WsusFault;
    expect(fault.kind).toBe('wsus');
    expect(fault.errorCode).toBe('InvalidParameters');
    expect(fault.message).toBe('parameters.InstalledNonLeafUpdateIDs');
    expect(fault.id).toBe('81418b4e-82c1-48d0-9504-da01db6148ae');
    expect(fault.method).toBe(`"${soapActionFor('SyncUpdates')}"`);
    expect(fault.faultCode).toBe('s:Client');
  });
});

describe('captured values land in the model', () => {
  const find = (name: string) => exchanges.find((e) => e.name === name)!;

  it('GetConfig reply: LastChange, plug-in and properties in order', () => {
    const res = parseWsusResponse('GetConfig', find('wsus-m0-native/scan/000001').responseBody);
    expect(res.lastChange).toBe('2026-10-04T13:17:07.59Z');
    expect(res.isRegistrationRequired).toBe(true);
    expect(res.authPlugIns).toEqual([
      { plugInId: 'SimpleTargeting', serviceUrl: 'SimpleAuthWebService/SimpleAuth.asmx', parameter: '' },
    ]);
    expect(Object.keys(res.properties)).toEqual([
      'MaxExtendedUpdatesPerRequest',
      'PackageServerShare',
      'ProtocolVersion',
      'IsInventoryRequired',
      'ClientReportingLevel',
    ]);
    expect(res.properties.MaxExtendedUpdatesPerRequest).toBe('50');
  });

  it('GetCookie request: real WUA sends an oldCookie with only Expiration; the wsus-m0 driver none', () => {
    const native = parseWsusRequest(find('wsus-m0-native/scan/000003').requestBody);
    expect(native.operation === 'GetCookie' && native.oldCookie).toEqual({
      expiration: '2026-10-04T15:03:36Z',
    });
    const driver = parseWsusRequest(find('wsus-m0/000003').requestBody);
    expect(driver.operation === 'GetCookie' && driver.oldCookie).toBeUndefined();
  });

  it('SyncUpdates request: omitted id arrays stay undefined, empty ones become []', () => {
    const first = parseWsusRequest(find('wsus-m0-native/scan/000006').requestBody);
    if (first.operation !== 'SyncUpdates') throw new Error('not SyncUpdates');
    expect(first.installedNonLeafUpdateIds).toBeUndefined();
    expect(first.otherCachedUpdateIds).toBeUndefined();
    expect(first.filterCategoryIds).toEqual(['dd78b8a1-0b20-45c1-add6-4da72e9364cf']);
    expect(first.computerSpec).toEqual({});
    expect(first.productsParameters?.callerAttributes).toContain('Id=OOBE ZDP');
    const driver = parseWsusRequest(find('wsus-m0/000005').requestBody);
    if (driver.operation !== 'SyncUpdates') throw new Error('not SyncUpdates');
    expect(driver.installedNonLeafUpdateIds).toEqual([]);
    expect(driver.cachedDriverIds).toEqual([]);
    const warm = parseWsusRequest(find('wsus-m0-native/flow/000012').requestBody);
    if (warm.operation !== 'SyncUpdates') throw new Error('not SyncUpdates');
    expect(warm.installedNonLeafUpdateIds).toHaveLength(94);
    expect(warm.otherCachedUpdateIds).toHaveLength(1307);
  });

  it('SyncUpdates driver pass: 75 devices with drivers, extension drivers and computer hardware ids', () => {
    const req = parseWsusRequest(find('wsus-m0-native/flow/000014').requestBody);
    if (req.operation !== 'SyncUpdates') throw new Error('not SyncUpdates');
    expect(req.skipSoftwareSync).toBe(true);
    expect(req.systemSpec).toHaveLength(75);
    const first = req.systemSpec![0]!;
    expect(first.hardwareIds).toEqual(['{6d170653-5280-44c2-ba44-2c04bc9d46da}']);
    expect(first.installedDriver).toMatchObject({
      class: 'Printer',
      driverRank: -1,
      driverVerVersion: '2814751477604196',
    });
    expect(first.installedDriver?.matchingComputerHwid).toBeUndefined();
    expect(req.systemSpec!.some((d) => d.extensionDrivers?.length)).toBe(true);
    expect(req.systemSpec!.some((d) => d.installedDriver?.isGeneric === true)).toBe(true);
    expect(req.computerSpec?.hardwareIds?.length).toBeGreaterThan(0);
    expect(req.featureScoreMatchingKey).toBe('AMD64.10.0');
    expect(req.systemSpec!.flatMap((d) => d.hardwareIds)).toContain('ACPI\\VEN_PNP&DEV_0303');
  });

  it('SyncUpdates reply: the approved update is the one Install, LastChangeTime is date-only', () => {
    const res = parseWsusResponse('SyncUpdates', find('wsus-m0-native/flow/000012').responseBody);
    expect(res.newUpdates).toHaveLength(30);
    expect(res.truncated).toBe(true);
    const install = res.newUpdates.filter((u) => u.deployment.action === 'Install');
    expect(install).toHaveLength(1);
    const core = parseCoreFragment(install[0]!.xml);
    expect([core.updateId, core.revisionNumber]).toEqual(['a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe', 200]);
    expect(res.newUpdates.every((u) => /^\d{4}-\d{2}-\d{2}$/.test(u.deployment.lastChangeTime))).toBe(true);
    expect(res.newUpdates[0]!.xml.startsWith('<UpdateIdentity ')).toBe(true);
    expect(res.driverSyncNotNeeded).toBe(false);
  });

  it('the driver-pass reply has no NewUpdates and DriverSyncNotNeeded true', () => {
    const res = parseWsusResponse('SyncUpdates', find('wsus-m0-native/flow/000014').responseBody);
    expect(res.newUpdates).toEqual([]);
    expect(res.driverSyncNotNeeded).toBe(true);
  });

  it('GetExtendedUpdateInfo reply: fragments per info type and 9 file locations', () => {
    const res = parseWsusResponse('GetExtendedUpdateInfo', find('wsus-m0-native/flow/000015').responseBody);
    expect(res.fileLocations).toHaveLength(9);
    expect(res.fileLocations[0]!.url).toMatch(
      /^http:\/\/192\.0\.2\.1:8530\/Content\/[0-9A-F]{2}\/[0-9A-F]{40}\./,
    );
  });

  it('ReportEventBatch request: events with replacement strings, misc data and an empty PrivateData', () => {
    const req = parseWsusRequest(find('wsus-m0-native/flow/000018').requestBody);
    if (req.operation !== 'ReportEventBatch') throw new Error('not ReportEventBatch');
    expect(req.events).toHaveLength(2);
    expect(req.events[0]).toMatchObject({ eventId: 182, win32HResult: -2145099769, osLocaleId: 1033 });
    expect(req.events[0]!.replacementStrings).toBeUndefined();
    expect(req.events[1]!.replacementStrings?.[0]).toBe('0x80246007');
    expect(req.events[0]!.miscData).toContain('AppName=<<PROCESS>>: powershell.exe');
  });
});

describe('namespaces, actions and paths', () => {
  it('maps each service to its namespace and path', () => {
    expect(soapActionFor('GetConfig')).toBe(`${NS_CLIENT}/GetConfig`);
    expect(soapActionFor('GetAuthorizationCookie')).toBe(`${NS_SIMPLEAUTH}/GetAuthorizationCookie`);
    expect(soapActionFor('ReportEventBatch')).toBe(`${NS_REPORTING}/ReportEventBatch`);
    expect(pathFor('SyncUpdates')).toBe('/ClientWebService/client.asmx');
    expect(pathFor('GetAuthorizationCookie')).toBe('/SimpleAuthWebService/SimpleAuth.asmx');
    expect(pathFor('ReportEventBatch')).toBe('/ReportingWebService/ReportingWebService.asmx');
  });

  it('reads quoted and bare SOAPAction values, and nothing else', () => {
    expect(operationFromSoapAction(`"${NS_CLIENT}/SyncUpdates"`)).toBe('SyncUpdates');
    expect(operationFromSoapAction(` ${NS_CLIENT}/SyncUpdates `)).toBe('SyncUpdates');
    expect(operationFromSoapAction(`"${NS_CLIENT}/GetConfig2"`)).toBeUndefined();
    expect(operationFromSoapAction(`"${NS_REPORTING}/SyncUpdates"`)).toBeUndefined();
    expect(operationFromSoapAction('')).toBeUndefined();
  });

  it('sends every request to the service that owns it, in its namespace', () => {
    for (const x of successful) {
      const req = parseWsusRequest(x.requestBody);
      expect(buildWsusRequest(req)).toContain(
        `<${x.operation} xmlns="${soapActionFor(x.operation).replace(`/${x.operation}`, '')}">`,
      );
    }
  });
});
