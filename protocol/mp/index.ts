// protocol/mp: ConfigMgr management point wire formats, both directions (see docs/contracts.md).
export * from './assignments.ts';
export * from './ccm-post.ts';
export * from './client-location-info.ts';
export * from './content-location.ts';
export * from './dmtf.ts';
export * from './endpoints.ts';
export * from './errors.ts';
export * from './mp-key-information.ts';
export * from './mp-list.ts';
export * from './msg-header.ts';
export { boundaryOf, buildMultipart, type MimePart, parseMultipart } from './multipart.ts';
export * from './policy-bodies.ts';
export * from './registration.ts';
export * from './state-codes.ts';
export * from './state-messages.ts';
export * from './wsus-location.ts';
export * from './wmi-xml.ts';
export {
  adler32,
  decodeCcmBody,
  encodeCcmBody,
  fflateDeflate,
  inflateCcmBody,
  MAX_CCM_BODY_BYTES,
  memoizeByIdentity,
  memoizeLast,
  type PlatformInflateSync,
  platformInflate,
  type ZlibDeflate,
  type ZlibInflate,
} from './zlib-body.ts';
