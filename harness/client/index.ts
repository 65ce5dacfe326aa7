// The portable client layer (see README.md): what a runtime needs to run the fleet's clients against a
// site. It brings a ClientPlatform and something that sends ClientRequests; the exchanges turn the fleet's
// actions into requests and the replies into the fleet's result events.
export type { Behaviour, ClientEvent, Decision, ShardContext } from './behaviour.ts';
export {
  type FleetBehaviourOptions,
  FleetBehaviourOptionsError,
  type FleetTargets,
  type ForcedScanEvent,
  validateBehaviourOptions,
} from './behaviour-options.ts';
export { CookieJar } from './cookie-jar.ts';
export { DownloadExchange } from './download-exchange.ts';
export {
  type ErrorKind,
  TRANSPORT_ERRORS,
  type TransportErrorKind,
  UNUSABLE_REPLY_ERRORS,
  type UnusableReplyKind,
} from './error-kinds.ts';
export {
  type AdapterContext,
  type AdapterStats,
  emptyStats,
  type Exchange,
  type ExchangeStep,
  type SupTarget,
} from './exchange.ts';
export { FleetBehaviour } from './fleet-behaviour.ts';
export {
  appliesTo,
  type CatalogKnowledge,
  isSoftwareUpdate,
  type KnownFile,
  type KnownUpdate,
  type KnownUpdateKind,
  type MachineKnowledge,
} from './knowledge.ts';
export { LocationExchange, RegisterExchange, StatePostExchange } from './mp-exchanges.ts';
export { ccmAction, type MpTarget } from './mp-requests.ts';
export type { ClientPlatform, IncrementalHash, RegistrationSigner, SplitUrl } from './platform.ts';
export { PolicyExchange } from './policy-exchange.ts';
export { PolicyState } from './policy-state.ts';
export { parseMediaType, replyErrorKind, soapFaultCode, unusableReplyKind } from './reply-errors.ts';
export type { ClientReply, ClientRequest } from './request.ts';
export { retryAfterMs } from './retry-after.ts';
export { type ScanContext, ScanExchange, type ScanFleetView } from './scan-exchange.ts';
export { ShardKnowledge } from './shard-knowledge.ts';
export { SmsIdTable } from './sms-ids.ts';
export { computerInfo, scanReportEvents, WUA_USER_AGENT, wsusHeaders } from './wua-identity.ts';
