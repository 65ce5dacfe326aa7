// SOAP faults: the real WSUS shape (HTTP 500, captured in wsus-m0/000141) and WCF's InternalServiceFault.
import type { XmlNode } from '../xml.ts';
import { WsusFault, type WsusErrorCode, isWsusErrorCode } from './errors.ts';
import {
  NS_SOAP,
  NS_WCF_DISPATCHER,
  type WsusOperation,
  isWsusOperation,
  soapActionFor,
} from './namespaces.ts';
import { optElement, optText } from './xml-read.ts';
import { escapeText, textEl } from './xml-write.ts';

export interface WsusFaultInput {
  errorCode: WsusErrorCode;
  message: string;
  /** The operation that failed, or the raw Method text to echo (e.g. a quoted SOAPAction). */
  method: WsusOperation | string;
  /** A GUID identifying this fault instance. */
  id: string;
}

/**
 * The body of an HTTP 500 WSUS fault, byte-compatible with the real server's:
 * `s:Fault{faultcode=s:Client, faultstring="Fault occurred", detail{ErrorCode, Message, ID, Method}}`,
 * where Method is the quoted SOAPAction of the failed call.
 */
export function buildWsusFault(fault: WsusFaultInput): string {
  const method = isWsusOperation(fault.method) ? `"${soapActionFor(fault.method)}"` : fault.method;
  return (
    `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><s:Fault><faultcode>s:Client</faultcode>` +
    `<faultstring>Fault occurred</faultstring><detail>${textEl('ErrorCode', fault.errorCode)}` +
    `${textEl('Message', fault.message)}${textEl('ID', fault.id)}${textEl('Method', method)}</detail>` +
    '</s:Fault></s:Body></s:Envelope>'
  );
}

const WCF_INTERNAL_MESSAGE =
  'The server was unable to process the request due to an internal error.  For more information about the ' +
  'error, either turn on IncludeExceptionDetailInFaults (either from ServiceBehaviorAttribute or from the ' +
  '<serviceDebug> configuration behavior) on the server in order to send the exception information back to ' +
  'the client, or turn on tracing as per the Microsoft .NET Framework SDK documentation and inspect the server trace logs.';

/** WCF's generic dispatcher fault (HTTP 500, no WSUS detail), as some third-party servers answer. */
export function buildInternalServiceFault(message: string = WCF_INTERNAL_MESSAGE): string {
  return (
    `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><s:Fault><faultcode xmlns:a="${NS_WCF_DISPATCHER}">` +
    `a:InternalServiceFault</faultcode><faultstring xml:lang="en-US">${escapeText(message)}` +
    '</faultstring></s:Fault></s:Body></s:Envelope>'
  );
}

/** Turns a parsed s:Fault element into the WsusFault the client-side parser throws. */
export function faultFromNode(node: XmlNode): WsusFault {
  const faultCode = (optText(node, 'faultcode') ?? '').trim();
  const faultString = optText(node, 'faultstring') ?? '';
  const detail = optElement(node, 'detail');
  const rawErrorCode = detail ? (optText(detail, 'ErrorCode') ?? '').trim() : '';
  const common = {
    rawErrorCode,
    faultCode,
    faultString,
    message: detail ? (optText(detail, 'Message') ?? faultString) : faultString,
    id: detail ? (optText(detail, 'ID') ?? '') : '',
    method: detail ? (optText(detail, 'Method') ?? '') : '',
  };
  if (isWsusErrorCode(rawErrorCode))
    return new WsusFault({ ...common, kind: 'wsus', errorCode: rawErrorCode });
  const isWcfInternal = faultCode.endsWith(':InternalServiceFault') || faultCode === 'InternalServiceFault';
  return new WsusFault({
    ...common,
    kind: isWcfInternal ? 'internal-service-fault' : 'other',
    errorCode: undefined,
  });
}
