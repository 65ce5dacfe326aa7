// [MS-WUSP] codecs, both directions: the public surface of protocol/wsus (see docs/contracts.md).
export {
  NS_CLIENT,
  NS_REPORTING,
  NS_SIMPLEAUTH,
  NS_SOAP,
  NS_WCF_DISPATCHER,
  NS_XSD,
  NS_XSI,
  WSUS_OPERATIONS,
  type WsusOperation,
  type WsusService,
  isWsusOperation,
  namespaceFor,
  operationFromSoapAction,
  pathFor,
  serviceOf,
  soapActionFor,
  soapActionHeader,
} from './namespaces.ts';
export {
  WSUS_ERROR_CODES,
  type WsusErrorCode,
  WsusFault,
  type WsusFaultFields,
  type WsusFaultKind,
  WsusProtocolError,
  type WsusProtocolErrorKind,
  faultLabel,
  isWsusErrorCode,
  NO_ERROR_CODE,
} from './errors.ts';
export type * from './types.ts';
export { buildWsusRequest, parseWsusResponse } from './client.ts';
export { buildWsusResponse, parseWsusRequest } from './server.ts';
export { IntListCache, parseWsusRequestFast } from './request-fast-read.ts';
export { buildInternalServiceFault, buildWsusFault, type WsusFaultInput } from './fault.ts';
export {
  formatWsusDate,
  formatWsusTime,
  parseWsusTime,
  readWsusTime,
  type WsusTimeStyle,
} from './time.ts';
export {
  type CoreFragment,
  type ExtendedFile,
  type ExtendedFragment,
  parseCoreFragment,
  parseExtendedFragment,
} from './fragments.ts';
export { type SyncUpdatesSummary, scanSyncUpdatesSummary } from './scan-summary.ts';
