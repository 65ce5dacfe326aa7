// Namespaces, SOAP actions and endpoint paths of the three [MS-WUSP] web services.
// The reporting service is the odd one out: its namespace has no /Server/ segment (Appendix A).

export const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const NS_XSD = 'http://www.w3.org/2001/XMLSchema';
export const NS_CLIENT = 'http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService';
export const NS_SIMPLEAUTH = 'http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService';
export const NS_REPORTING = 'http://www.microsoft.com/SoftwareDistribution';
/** Namespace of WCF's own dispatcher faults (`a:InternalServiceFault`), seen from third-party servers. */
export const NS_WCF_DISPATCHER =
  'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher';

export type WsusOperation =
  | 'GetConfig'
  | 'GetAuthorizationCookie'
  | 'GetCookie'
  | 'RegisterComputer'
  | 'SyncUpdates'
  | 'GetExtendedUpdateInfo'
  | 'GetFileLocations'
  | 'RefreshCache'
  | 'StartCategoryScan'
  | 'ReportEventBatch';

export const WSUS_OPERATIONS: readonly WsusOperation[] = [
  'GetConfig',
  'GetAuthorizationCookie',
  'GetCookie',
  'RegisterComputer',
  'SyncUpdates',
  'GetExtendedUpdateInfo',
  'GetFileLocations',
  'RefreshCache',
  'StartCategoryScan',
  'ReportEventBatch',
];

/** Which web service answers an operation; it decides namespace, path and reply envelope style. */
export type WsusService = 'client' | 'simpleauth' | 'reporting';

export function serviceOf(op: WsusOperation): WsusService {
  if (op === 'GetAuthorizationCookie') return 'simpleauth';
  if (op === 'ReportEventBatch') return 'reporting';
  return 'client';
}

const SERVICE_NS: Record<WsusService, string> = {
  client: NS_CLIENT,
  simpleauth: NS_SIMPLEAUTH,
  reporting: NS_REPORTING,
};

const SERVICE_PATH: Record<WsusService, string> = {
  client: '/ClientWebService/client.asmx',
  simpleauth: '/SimpleAuthWebService/SimpleAuth.asmx',
  reporting: '/ReportingWebService/ReportingWebService.asmx',
};

/** The body namespace of an operation's request and response elements. */
export function namespaceFor(op: WsusOperation): string {
  return SERVICE_NS[serviceOf(op)];
}

/** The SOAPAction URI (unquoted); the header carries it quoted: `soapActionHeader(op)`. */
export function soapActionFor(op: WsusOperation): string {
  return `${namespaceFor(op)}/${op}`;
}

/** The SOAPAction header value of a request: the action URI in double quotes, exactly as WUA sends it. */
export function soapActionHeader(op: WsusOperation): string {
  return `"${soapActionFor(op)}"`;
}

/** The HTTP path of the service that answers `op` (lower-case client.asmx, as WUA sends it). */
export function pathFor(op: WsusOperation): string {
  return SERVICE_PATH[serviceOf(op)];
}

const BY_ACTION = new Map<string, WsusOperation>(WSUS_OPERATIONS.map((op) => [soapActionFor(op), op]));

/** Maps a SOAPAction header value (quoted, as clients send it, or bare) to the operation it names. */
export function operationFromSoapAction(headerValue: string): WsusOperation | undefined {
  let value = headerValue.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).trim();
  return BY_ACTION.get(value);
}

export function isWsusOperation(name: string): name is WsusOperation {
  return (WSUS_OPERATIONS as readonly string[]).includes(name);
}
