// Typed errors of the WSUS codecs. XML-level problems (size, DOCTYPE, malformed) surface as XmlError from
// protocol/xml.ts; everything a well-formed but wrong message can do wrong is a WsusProtocolError; a SOAP
// fault sent by the server is a WsusFault (thrown by the client-side response parser).

export type WsusProtocolErrorKind =
  | 'envelope' // not a SOAP 1.1 envelope, SOAP headers present, or no single body element
  | 'namespace' // body element in the wrong namespace
  | 'operation' // unknown operation, or SOAPAction and body element disagree, or unexpected response element
  | 'shape' // a required element is missing
  | 'value'; // an element's text is not a valid value (integer, boolean, timestamp)

export class WsusProtocolError extends Error {
  override readonly name = 'WsusProtocolError';
  constructor(
    message: string,
    readonly kind: WsusProtocolErrorKind,
  ) {
    super(message);
  }
}

/**
 * The one name of a SOAP fault that carries no WSUS ErrorCode (WCF's InternalServiceFault, a bare
 * Fault): counters, metrics (`soap:(no ErrorCode)`) and failure texts all use it, so nobody reads a
 * made-up code as a real WSUS one. Texts add the HTTP status and the faultcode.
 */
export const NO_ERROR_CODE = '(no ErrorCode)';

/** The 11 ErrorCode values of [MS-WUSP] §2.2.2.4. */
export const WSUS_ERROR_CODES = [
  'InvalidCookie',
  'ConfigChanged',
  'RegistrationRequired',
  'ServerChanged',
  'InternalServerError',
  'CookieExpired',
  'InvalidParameters',
  'InvalidAuthorizationCookie',
  'RegistrationNotRequired',
  'ServerBusy',
  'FileLocationChanged',
] as const;

export type WsusErrorCode = (typeof WSUS_ERROR_CODES)[number];

export function isWsusErrorCode(text: string): text is WsusErrorCode {
  return (WSUS_ERROR_CODES as readonly string[]).includes(text);
}

/**
 * What kind of SOAP fault the server sent:
 * - 'wsus': a real WSUS fault whose detail carries one of the 11 ErrorCodes;
 * - 'internal-service-fault': WCF's dispatcher fault (`a:InternalServiceFault`, no WSUS detail), which
 *   third-party servers send for unhandled errors; treat it like InternalServerError (retry later);
 * - 'other': any other SOAP fault (unknown ErrorCode text, no detail); `rawErrorCode` holds what there was.
 */
export type WsusFaultKind = 'wsus' | 'internal-service-fault' | 'other';

export interface WsusFaultFields {
  kind: WsusFaultKind;
  /** Set when kind is 'wsus'. */
  errorCode: WsusErrorCode | undefined;
  /** The detail's ErrorCode text as sent ('' when there was none). */
  rawErrorCode: string;
  faultCode: string;
  faultString: string;
  /** The detail's Message (falls back to faultstring when the fault has no WSUS detail). */
  message: string;
  /** The detail's ID (a GUID), '' when absent. */
  id: string;
  /** The detail's Method as sent: the quoted SOAPAction, e.g. "\"http://…/SyncUpdates\"". */
  method: string;
}

export class WsusFault extends Error {
  override readonly name = 'WsusFault';
  readonly kind: WsusFaultKind;
  readonly errorCode: WsusErrorCode | undefined;
  readonly rawErrorCode: string;
  readonly faultCode: string;
  readonly faultString: string;
  readonly id: string;
  readonly method: string;

  constructor(fields: WsusFaultFields) {
    super(fields.message);
    this.kind = fields.kind;
    this.errorCode = fields.errorCode;
    this.rawErrorCode = fields.rawErrorCode;
    this.faultCode = fields.faultCode;
    this.faultString = fields.faultString;
    this.id = fields.id;
    this.method = fields.method;
  }
}

/** The fault's one name: its ErrorCode as sent, or NO_ERROR_CODE when it carries none. */
export function faultLabel(fault: Pick<WsusFault, 'errorCode' | 'rawErrorCode'>): string {
  return fault.errorCode ?? (fault.rawErrorCode || NO_ERROR_CODE);
}
