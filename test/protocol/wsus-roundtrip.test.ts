// Model -> XML -> model for every operation, both directions, with every optional field set: covers what the
// captures do not (RefreshCache, GetFileLocations requests, Deadline/FlagBitmask, OutOfScopeRevisionIDs…).
import { describe, expect, it } from 'vitest';
import {
  type Deployment,
  NS_SOAP,
  type WsusRequest,
  type WsusResponse,
  buildWsusRequest,
  buildWsusResponse,
  parseWsusRequest,
  parseWsusResponse,
  soapActionFor,
} from '../../protocol/wsus/index.ts';
import { skeletonOf, skeletonText } from './wsus/skeleton.ts';

const cookie = { expiration: '2026-10-04T16:03:35.9967236Z', encryptedData: 'q83v+/8=' };
const deployment: Deployment = {
  id: 80001,
  action: 'Install',
  deadline: '2026-10-10T00:00:00Z',
  isAssigned: true,
  lastChangeTime: '2026-10-04',
  downloadPriority: 1,
  autoSelect: 1,
  autoDownload: 0,
  supersedenceBehavior: 0,
  flagBitmask: 2,
};
const core =
  '<UpdateIdentity UpdateID="a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe" RevisionNumber="200" /><Properties UpdateType="Software" />';

const requests: WsusRequest[] = [
  { operation: 'GetConfig', protocolVersion: '2.90' },
  {
    operation: 'GetAuthorizationCookie',
    clientId: 'e1da06a3-5601-43c9-bac3-52d5db701494',
    targetGroupName: 'Ring 1',
    dnsName: 'pc1.contoso.test',
  },
  {
    operation: 'GetCookie',
    authCookies: [{ plugInId: 'SimpleTargeting', cookieData: 'AAAA' }],
    oldCookie: { expiration: '2026-10-04T15:03:36Z', encryptedData: 'BBBB' },
    lastChange: '2026-10-04T13:17:07.59Z',
    currentTime: '2026-10-04T15:03:36Z',
    protocolVersion: '2.90',
  },
  {
    operation: 'RegisterComputer',
    cookie,
    computerInfo: {
      dnsName: 'pc1.contoso.test',
      osMajorVersion: 10,
      osMinorVersion: 0,
      osBuildNumber: 22631,
      osServicePackMajorNumber: 0,
      osServicePackMinorNumber: 0,
      osLocale: 'en-US',
      computerManufacturer: 'Contoso & Sons',
      computerModel: 'Model <X>',
      biosVersion: '1.0',
      biosName: 'BIOS',
      biosReleaseDate: '2022-02-02T00:00:00Z',
      processorArchitecture: 'AMD64',
      suiteMask: 256,
      oldProductType: 1,
      newProductType: 48,
      systemMetrics: 0,
      clientVersionMajorNumber: 1507,
      clientVersionMinorNumber: 2601,
      clientVersionBuildNumber: 30012,
      clientVersionQfeNumber: 0,
      osDescription: 'Windows 11 Pro',
      oem: 'Contoso',
      deviceType: 'Desktop',
      firmwareVersion: '1.2',
      mobileOperator: 'Not Present',
    },
  },
  {
    operation: 'SyncUpdates',
    cookie,
    expressQuery: false,
    installedNonLeafUpdateIds: [1, 2, 3],
    otherCachedUpdateIds: [],
    systemSpec: [
      {
        hardwareIds: ['PCI\\VEN_8086&DEV_2934'],
        compatibleIds: ['PCI\\CC_0C0300'],
        installedDriver: {
          matchingId: 'PCI\\CC_0C0300',
          driverVerDate: '2006-06-21T00:00:00Z',
          driverVerVersion: '2814751477604196',
          class: 'USB',
          manufacturer: 'Microsoft',
          provider: 'Microsoft',
          model: 'Standard Universal PCI to USB Host Controller',
          matchingComputerHwid: '{458ab48b-acb9-5863-b5a8-d2c32f0d3e6f}',
          driverRank: 16719872,
          skipProviderFiltering: true,
          isGeneric: true,
        },
        extensionDrivers: [
          {
            extensionId: '{96BEDF2C-18CB-4A15-B821-5E95ED0FEA61}',
            driverVerDate: '2006-06-21T00:00:00Z',
            driverVerVersion: '1',
            class: '{E2F84CE7}',
            driverRank: 1,
          },
        ],
        deviceFlags: 1,
      },
    ],
    cachedDriverIds: [9],
    skipSoftwareSync: true,
    filterCategoryIds: ['dd78b8a1-0b20-45c1-add6-4da72e9364cf'],
    needTwoGroupOutOfScopeUpdates: true,
    alsoPerformRegularSync: false,
    computerSpec: { hardwareIds: ['458ab48b-acb9-5863-b5a8-d2c32f0d3e6f'] },
    featureScoreMatchingKey: 'AMD64.10.0',
    productsParameters: {
      syncCurrentVersionOnly: false,
      deviceAttributes: 'A=1;B=2;',
      callerAttributes: 'Id=patchstorm;',
      products: '',
    },
  },
  {
    operation: 'GetExtendedUpdateInfo',
    cookie,
    revisionIds: [72571, 108226],
    infoTypes: ['Extended', 'LocalizedProperties'],
    locales: ['en-US', 'en'],
    deviceAttributes: 'A=1;',
    geoId: 'USA',
    callerAttributes: 'Id=x;',
  },
  {
    operation: 'GetFileLocations',
    cookie,
    fileDigests: ['hlQslyYcRtWzeaQ+yJX5fq9Am6I=', 'o3nVUm+zp6BCPaHNf8MYKo1EhEk='],
  },
  {
    operation: 'RefreshCache',
    cookie,
    globalIds: [{ updateId: 'a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe', revisionNumber: 200 }],
    deviceAttributes: 'A=1;',
  },
  {
    operation: 'StartCategoryScan',
    requestedCategories: [{ indexOfAndGroup: 0, categoryId: 'dd78b8a1-0b20-45c1-add6-4da72e9364cf' }],
  },
  {
    operation: 'ReportEventBatch',
    cookie,
    clientTime: '2026-10-04T15:20:47.68Z',
    events: [
      {
        targetSid: 'e1da06a3-5601-43c9-bac3-52d5db701494',
        sequenceNumber: 7,
        timeAtTarget: '2026-10-04T15:20:47.68Z',
        eventInstanceId: 'be732391-b71d-4fd2-90bf-8d780506aba6',
        namespaceId: 1,
        eventId: 147,
        sourceId: 101,
        updateId: { updateId: '00000000-0000-0000-0000-000000000000', revisionNumber: 0 },
        win32HResult: 0,
        appName: 'AutomaticUpdates',
        replacementStrings: ['3'],
        miscData: ['D=3', 'J=775'],
        computerBrand: '',
        computerModel: 'Model',
        biosRevision: 'r1',
        processorArchitecture: 'Amd64Compatible',
        osVersion: {
          major: 10,
          minor: 0,
          build: 22631,
          revision: 65792,
          servicePackMajor: 0,
          servicePackMinor: 0,
        },
        osLocaleId: 1033,
        deviceId: '',
        computerDnsName: 'pc1.contoso.test',
        userAccountName: '',
      },
    ],
  },
];

const responses: WsusResponse[] = [
  {
    operation: 'GetConfig',
    lastChange: '2026-10-04T13:17:07.59Z',
    isRegistrationRequired: true,
    authPlugIns: [
      { plugInId: 'SimpleTargeting', serviceUrl: 'SimpleAuthWebService/SimpleAuth.asmx', parameter: '' },
    ],
    allowedEventIds: [147, 148],
    properties: { MaxExtendedUpdatesPerRequest: '50', ProtocolVersion: '3.2' },
  },
  { operation: 'GetAuthorizationCookie', plugInId: 'SimpleTargeting', cookieData: 'AAAA' },
  { operation: 'GetCookie', ...cookie },
  { operation: 'RegisterComputer' },
  {
    operation: 'SyncUpdates',
    newUpdates: [{ id: 900123, deployment, isLeaf: true, isShared: false, xml: core }],
    outOfScopeRevisionIds: [5, 6],
    changedUpdates: [
      { id: 900124, deployment: { ...deployment, action: 'Evaluate' }, isLeaf: false, xml: core },
    ],
    truncated: false,
    newCookie: cookie,
    deployedOutOfScopeRevisionIds: [7],
    driverSyncNotNeeded: false,
  },
  {
    operation: 'GetExtendedUpdateInfo',
    updates: [
      {
        id: 900123,
        xml: '<ExtendedProperties Handler="h" /><Files><File Digest="x" FileName="a.cab" Size="1" /></Files>',
      },
    ],
    fileLocations: [{ fileDigest: 'x', url: 'http://sup.test:8530/Content/A2/86.cab' }],
    outOfScopeRevisionIds: [8],
  },
  {
    operation: 'GetFileLocations',
    fileLocations: [{ fileDigest: 'x', url: 'http://sup.test:8530/Content/A2/86.cab' }],
    newCookie: cookie,
  },
  {
    operation: 'RefreshCache',
    results: [
      {
        revisionId: 900123,
        globalId: { updateId: 'a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe', revisionNumber: 200 },
        isLeaf: true,
        deployment,
        isShared: false,
      },
      {
        revisionId: 900125,
        globalId: { updateId: 'b2fef9b0-7951-4c2c-a42b-9e351dd1c1fe', revisionNumber: 100 },
        isLeaf: false,
      },
    ],
  },
  {
    operation: 'StartCategoryScan',
    preferredCategoryIds: ['dd78b8a1-0b20-45c1-add6-4da72e9364cf'],
    requestedCategoryIdsInError: [],
  },
  { operation: 'ReportEventBatch', result: true },
];

describe('requests round-trip with every optional field', () => {
  it.each(requests.map((r) => [r.operation, r] as const))('%s', (op, req) => {
    const xml = buildWsusRequest(req);
    expect(parseWsusRequest(xml, `"${soapActionFor(op)}"`)).toEqual(req);
    expect(skeletonOf(xml).children[0]!.name).toBe(`{${NS_SOAP}}Envelope`);
  });

  it('leaves absent optional fields absent, and keeps [] as an empty element', () => {
    const minimal: WsusRequest = {
      operation: 'SyncUpdates',
      cookie,
      expressQuery: false,
      otherCachedUpdateIds: [],
      skipSoftwareSync: false,
    };
    const xml = buildWsusRequest(minimal);
    expect(xml).toContain(
      '<ExpressQuery>false</ExpressQuery><OtherCachedUpdateIDs/><SkipSoftwareSync>false</SkipSoftwareSync>',
    );
    expect(parseWsusRequest(xml)).toEqual(minimal);
  });

  it('sends a nil MatchingComputerHWID the way WUA does', () => {
    const xml = buildWsusRequest({
      operation: 'SyncUpdates',
      cookie,
      expressQuery: false,
      skipSoftwareSync: true,
      systemSpec: [
        { hardwareIds: ['X'], installedDriver: { driverVerDate: 'd', driverVerVersion: '1', driverRank: 0 } },
      ],
    });
    expect(xml).toContain(
      '<MatchingComputerHWID a:nil="true" xmlns:a="http://www.w3.org/2001/XMLSchema-instance"/>',
    );
  });

  it('escapes text so that hostile values stay values', () => {
    const req: WsusRequest = {
      operation: 'GetAuthorizationCookie',
      clientId: 'x</clientId><evil/>',
      dnsName: '&amp;',
    };
    expect(parseWsusRequest(buildWsusRequest(req))).toEqual(req);
  });
});

describe('responses round-trip with every optional field', () => {
  it.each(responses.map((r) => [r.operation, r] as const))('%s', (op, res) => {
    const xml = buildWsusResponse(res);
    expect(parseWsusResponse(op, xml)).toEqual(res);
  });

  it('writes ASMX replies with the XML declaration and the soap prefix, client replies with s', () => {
    const asmx = buildWsusResponse({ operation: 'ReportEventBatch', result: true });
    expect(asmx.startsWith('<?xml version="1.0" encoding="utf-8"?><soap:Envelope ')).toBe(true);
    const client = buildWsusResponse({ operation: 'RegisterComputer' });
    expect(client.startsWith('<s:Envelope ')).toBe(true);
    expect(client).toContain(
      '<RegisterComputerResponse xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"/>',
    );
  });
});

describe('skeleton helper', () => {
  it('ignores prefixes and text but not namespaces, names, attributes or order', () => {
    const a = '<p:a xmlns:p="urn:x"><b k="1">t</b><c/></p:a>';
    expect(skeletonText('<q:a xmlns:q="urn:x"><b k="2">other</b><c></c></q:a>')).toBe(skeletonText(a));
    expect(skeletonText('<a xmlns="urn:x"><b k="1"/><c/></a>')).not.toBe(skeletonText(a));
    expect(skeletonText('<p:a xmlns:p="urn:y"><b k="1"/><c/></p:a>')).not.toBe(skeletonText(a));
    expect(skeletonText('<p:a xmlns:p="urn:x"><c/><b k="1"/></p:a>')).not.toBe(skeletonText(a));
    expect(skeletonText('<p:a xmlns:p="urn:x"><b j="1"/><c/></p:a>')).not.toBe(skeletonText(a));
    expect(skeletonText('<p:a xmlns:p="urn:x"><b k="1"/></p:a>')).not.toBe(skeletonText(a));
  });
});
