// The typed models of every [MS-WUSP] message patchstorm speaks, both directions.
// Conventions: timestamps stay as their wire text (use parseWsusTime/formatWsusTime); an optional field
// that is undefined is absent on the wire, while '' or [] is an empty element; GUIDs are kept as sent.
import type { WsusOperation } from './namespaces.ts';

export interface WsusCookie {
  /** Clear-text copy of the expiry (wire text, e.g. "2026-10-04T16:03:35.9967236Z"). */
  expiration: string;
  /** Opaque base64 text. */
  encryptedData: string;
}

export interface AuthorizationCookie {
  plugInId: string;
  /** Opaque base64 text. */
  cookieData: string;
}

export interface UpdateIdentity {
  updateId: string;
  revisionNumber: number;
}

// ---------- requests ----------

export interface GetConfigRequest {
  protocolVersion: string;
}

export interface GetAuthorizationCookieRequest {
  clientId: string;
  targetGroupName?: string;
  dnsName: string;
}

export interface GetCookieRequest {
  /** Exactly one in practice (the SimpleTargeting cookie). */
  authCookies: AuthorizationCookie[];
  /** Real WUA sends only Expiration here. */
  oldCookie?: { expiration: string; encryptedData?: string };
  /** The LastChange value from GetConfig. */
  lastChange: string;
  currentTime: string;
  protocolVersion: string;
}

/** RegisterComputer computerInfo, children in wire order. Value-typed fields are always sent. */
export interface ComputerInfo {
  dnsName: string;
  osMajorVersion: number;
  osMinorVersion: number;
  osBuildNumber: number;
  osServicePackMajorNumber: number;
  osServicePackMinorNumber: number;
  osLocale?: string;
  computerManufacturer?: string;
  computerModel?: string;
  biosVersion?: string;
  biosName?: string;
  biosReleaseDate: string;
  /** Free text: "AMD64" from real WUA, "9" from some drivers. */
  processorArchitecture?: string;
  suiteMask: number;
  oldProductType: number;
  newProductType: number;
  systemMetrics: number;
  clientVersionMajorNumber: number;
  clientVersionMinorNumber: number;
  clientVersionBuildNumber: number;
  clientVersionQfeNumber: number;
  osDescription?: string;
  oem?: string;
  deviceType?: string;
  firmwareVersion?: string;
  mobileOperator?: string;
}

export interface RegisterComputerRequest {
  cookie: WsusCookie;
  computerInfo: ComputerInfo;
}

/** The driver a device runs now (SystemSpec/Device/installedDriver), children in wire order. */
export interface InstalledDriver {
  matchingId?: string;
  driverVerDate: string;
  /** The packed 64-bit driver version as decimal text (it exceeds 2^53). */
  driverVerVersion: string;
  class?: string;
  manufacturer?: string;
  provider?: string;
  model?: string;
  /** Sent as xsi:nil when undefined (the real WUA always sends the element). */
  matchingComputerHwid?: string;
  driverRank: number;
  skipProviderFiltering?: boolean;
  isGeneric?: boolean;
}

export interface ExtensionDriver {
  extensionId: string;
  driverVerDate: string;
  driverVerVersion: string;
  class?: string;
  driverRank: number;
  /** Sent as xsi:nil when undefined. */
  matchingComputerHwid?: string;
}

/** One SystemSpec device of the driver pass. */
export interface Device {
  hardwareIds: string[];
  compatibleIds?: string[];
  installedDriver?: InstalledDriver;
  extensionDrivers?: ExtensionDriver[];
  deviceFlags?: number;
}

/** SyncUpdates parameters/ProductsParameters (Windows 10+ WUA). */
export interface ProductsParameters {
  syncCurrentVersionOnly: boolean;
  /** "Key=Value;…" text. */
  deviceAttributes?: string;
  callerAttributes?: string;
  /** Text of <Products>; every captured client sends it empty. Child elements, if any, are not kept. */
  products?: string;
}

/**
 * SyncUpdates request. The first six fields are the [MS-WUSP] core; the rest are what Windows 10/11 WUA
 * also sends (all captured), passed through so a client can look like the real thing. Parameters that no
 * capture shows (FilterAppCategoryIds, ExtendedUpdateInfoParameters, PendingUpdateIDs, …) are not modelled:
 * the server parser ignores them and the client builder cannot send them.
 */
export interface SyncUpdatesRequest {
  cookie: WsusCookie;
  expressQuery: boolean;
  /** undefined = element omitted (real WUA on its first call), [] = empty element. */
  installedNonLeafUpdateIds?: number[];
  otherCachedUpdateIds?: number[];
  /** Driver pass only (with skipSoftwareSync true). */
  systemSpec?: Device[];
  cachedDriverIds?: number[];
  skipSoftwareSync: boolean;
  filterCategoryIds?: string[];
  needTwoGroupOutOfScopeUpdates?: boolean;
  alsoPerformRegularSync?: boolean;
  /** `<ComputerSpec/>` is {}; the driver pass adds computer hardware id GUIDs. */
  computerSpec?: { hardwareIds?: string[] };
  featureScoreMatchingKey?: string;
  productsParameters?: ProductsParameters;
}

/** Fragment types of GetExtendedUpdateInfo infoTypes. */
export type XmlUpdateFragmentType =
  | 'Published'
  | 'Core'
  | 'Extended'
  | 'VerificationRule'
  | 'LocalizedProperties'
  | 'Eula'
  | 'FileUrl'
  | (string & {});

export interface GetExtendedUpdateInfoRequest {
  cookie: WsusCookie;
  revisionIds: number[];
  infoTypes: XmlUpdateFragmentType[];
  locales: string[];
  deviceAttributes?: string;
  geoId?: string;
  callerAttributes?: string;
}

export interface GetFileLocationsRequest {
  cookie: WsusCookie;
  /** Base64 SHA-1 digests. */
  fileDigests: string[];
}

export interface RefreshCacheRequest {
  cookie: WsusCookie;
  globalIds: UpdateIdentity[];
  deviceAttributes?: string;
}

export interface StartCategoryScanRequest {
  requestedCategories: { indexOfAndGroup: number; categoryId: string }[];
}

/** One ReportEventBatch ReportingEvent, flattened (BasicData, ExtendedData, PrivateData fields in order). */
export interface ReportingEvent {
  /** BasicData/TargetID/Sid: the client id GUID. */
  targetSid: string;
  sequenceNumber: number;
  timeAtTarget: string;
  eventInstanceId: string;
  namespaceId: number;
  eventId: number;
  sourceId: number;
  updateId: UpdateIdentity;
  win32HResult: number;
  appName?: string;
  replacementStrings?: string[];
  /** "K=V" strings (D = NumberApplicable, J = sampling value, G = client version, …). */
  miscData: string[];
  computerBrand?: string;
  computerModel?: string;
  biosRevision?: string;
  processorArchitecture: string;
  osVersion: {
    major: number;
    minor: number;
    build: number;
    revision: number;
    servicePackMajor: number;
    servicePackMinor: number;
  };
  osLocaleId: number;
  deviceId?: string;
  computerDnsName?: string;
  userAccountName?: string;
}

export interface ReportEventBatchRequest {
  cookie: WsusCookie;
  clientTime: string;
  events: ReportingEvent[];
}

// ---------- responses ----------

export interface AuthPlugIn {
  plugInId: string;
  serviceUrl: string;
  parameter: string;
}

export interface GetConfigResponse {
  lastChange: string;
  isRegistrationRequired: boolean;
  authPlugIns: AuthPlugIn[];
  allowedEventIds?: number[];
  /** ConfigurationProperty Name -> Value, in wire order. */
  properties: Record<string, string>;
}

export type GetAuthorizationCookieResponse = AuthorizationCookie;
export type GetCookieResponse = WsusCookie;
export type RegisterComputerResponse = Record<never, never>;

export type DeploymentAction =
  | 'Install'
  | 'OptionalInstall'
  | 'Uninstall'
  | 'PreDeploymentCheck'
  | 'Block'
  | 'Evaluate'
  | 'Bundle'
  | (string & {});

/** UpdateInfo/Deployment, children in wire order. */
export interface Deployment {
  id: number;
  action: DeploymentAction;
  deadline?: string;
  isAssigned: boolean;
  /** Date-only on real WSUS ("2026-10-04"). */
  lastChangeTime: string;
  downloadPriority?: number;
  autoSelect: number;
  autoDownload: number;
  supersedenceBehavior: number;
  flagBitmask?: number;
}

export interface UpdateInfo {
  /** Server-local revision id. */
  id: number;
  deployment: Deployment;
  isLeaf: boolean;
  isShared?: boolean;
  /** The core fragment, unescaped (UpdateIdentity, Properties, Relationships, ApplicabilityRules). */
  xml: string;
}

export interface SyncUpdatesResponse {
  /** [] = element omitted, as real WSUS does when there are none. Same for the other arrays. */
  newUpdates: UpdateInfo[];
  outOfScopeRevisionIds: number[];
  changedUpdates: UpdateInfo[];
  truncated: boolean;
  newCookie: WsusCookie;
  deployedOutOfScopeRevisionIds?: number[];
  driverSyncNotNeeded?: boolean;
}

export interface FileLocation {
  /** Base64 SHA-1. */
  fileDigest: string;
  url: string;
}

export interface GetExtendedUpdateInfoResponse {
  /** One entry per fragment: the same revision id repeats once per info type. */
  updates: { id: number; xml: string }[];
  fileLocations: FileLocation[];
  outOfScopeRevisionIds: number[];
}

export interface GetFileLocationsResponse {
  fileLocations: FileLocation[];
  newCookie: WsusCookie;
}

/** One RefreshCacheResult ([MS-WUSP] §3.1.5.8; no capture exists, order from the spec). */
export interface RefreshCacheResult {
  revisionId: number;
  globalId: UpdateIdentity;
  isLeaf: boolean;
  deployment?: Deployment;
  isShared?: boolean;
}

export interface RefreshCacheResponse {
  results: RefreshCacheResult[];
}

export interface StartCategoryScanResponse {
  preferredCategoryIds: string[];
  requestedCategoryIdsInError?: string[];
}

export interface ReportEventBatchResponse {
  result: boolean;
}

// ---------- unions keyed by operation ----------

export interface WsusRequestMap {
  GetConfig: GetConfigRequest;
  GetAuthorizationCookie: GetAuthorizationCookieRequest;
  GetCookie: GetCookieRequest;
  RegisterComputer: RegisterComputerRequest;
  SyncUpdates: SyncUpdatesRequest;
  GetExtendedUpdateInfo: GetExtendedUpdateInfoRequest;
  GetFileLocations: GetFileLocationsRequest;
  RefreshCache: RefreshCacheRequest;
  StartCategoryScan: StartCategoryScanRequest;
  ReportEventBatch: ReportEventBatchRequest;
}

export interface WsusResponseMap {
  GetConfig: GetConfigResponse;
  GetAuthorizationCookie: GetAuthorizationCookieResponse;
  GetCookie: GetCookieResponse;
  RegisterComputer: RegisterComputerResponse;
  SyncUpdates: SyncUpdatesResponse;
  GetExtendedUpdateInfo: GetExtendedUpdateInfoResponse;
  GetFileLocations: GetFileLocationsResponse;
  RefreshCache: RefreshCacheResponse;
  StartCategoryScan: StartCategoryScanResponse;
  ReportEventBatch: ReportEventBatchResponse;
}

/** `{operation: 'SyncUpdates', cookie, …}` and so on; distributes over a union of operations. */
export type WsusRequestOf<O extends WsusOperation> = O extends WsusOperation
  ? { operation: O } & WsusRequestMap[O]
  : never;
export type WsusResponseOf<O extends WsusOperation> = O extends WsusOperation
  ? { operation: O } & WsusResponseMap[O]
  : never;
export type WsusRequest = WsusRequestOf<WsusOperation>;
export type WsusResponse = WsusResponseOf<WsusOperation>;
