// How the SUP answers on the wire: the headers IIS/ASP.NET put on every WSUS reply, SOAP bodies, WSUS
// faults in the captured shape (HTTP 500, Connection: close, s:Fault with detail ErrorCode/Message/ID/
// Method), and the plain IIS error pages for requests that never reach a web service.
import { randomUUID } from 'node:crypto';
import {
  buildWsusFault,
  NS_SOAP,
  NS_XSD,
  NS_XSI,
  type WsusErrorCode,
  type WsusOperation,
} from '../../protocol/wsus/index.ts';
import { escapeText } from '../../protocol/wsus/xml-write.ts';
import type { SiteReply } from '../types.ts';

/** Response headers of a real WSUS (captures; PyWSUS mimics the same set). */
export const IIS_SOAP_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'private',
  'content-type': 'text/xml; charset=utf-8',
  server: 'Microsoft-IIS/10.0',
  'x-aspnet-version': '4.0.30319',
  'x-powered-by': 'ASP.NET',
});

const IIS_HTML_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html',
  server: 'Microsoft-IIS/10.0',
  'x-powered-by': 'ASP.NET',
});

/** A fault the handlers raise; the front-end turns it into the SOAP fault reply. */
export class SupFault extends Error {
  override readonly name = 'SupFault';
  constructor(
    readonly errorCode: WsusErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function soapReply(body: Buffer | string): SiteReply {
  return { status: 200, headers: IIS_SOAP_HEADERS, body };
}

/**
 * A WSUS fault. `method` is the operation (its quoted SOAPAction is echoed) or, for an unrecognised call,
 * the raw SOAPAction text. With the 'wrong-fault-shape' violation the body is plain text without any SOAP
 * detail, so conformance checks can prove they notice.
 */
export function faultReply(
  errorCode: WsusErrorCode,
  message: string,
  method: WsusOperation | string,
  wrongShape: boolean,
): SiteReply {
  if (wrongShape) {
    return {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8', server: 'Microsoft-IIS/10.0' },
      body: 'Internal Server Error',
      close: true,
      faultCode: errorCode,
    };
  }
  return {
    status: 500,
    headers: IIS_SOAP_HEADERS,
    body: buildWsusFault({ errorCode, message, method, id: randomUUID() }),
    close: true,
    faultCode: errorCode,
  };
}

/** Counted under this name (stats faults, SUP faultsIssued): a SOAP fault that carries no WSUS ErrorCode. */
export const SOAP_ACTION_NOT_RECOGNIZED = 'SoapActionNotRecognized';

/** WCF's addressing namespace for dispatcher faults such as ActionNotSupported. */
const NS_WCF_ADDRESSING_NONE = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';

/**
 * The answer to a SOAPAction the service has no operation for (unknown, or another service's). No WSUS
 * code runs, so there is no ErrorCode detail; the framework answers HTTP 500:
 * - the ASMX services (SimpleAuth, Reporting; replies with `soap:` and an XML declaration) give ASP.NET's
 *   `soap:Client` "Server did not recognize the value of HTTP Header SOAPAction: X.";
 * - the client web service is WCF behind an .asmx path (replies with `s:` and xsi/xsd on the Body, as in
 *   every capture), whose EndpointDispatcher gives `a:ActionNotSupported` ("ContractFilter mismatch").
 */
export function unrecognizedActionReply(rawAction: string, wcf: boolean): SiteReply {
  const action = unquote(rawAction).slice(0, 1024);
  const body = wcf
    ? `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><s:Fault><faultcode xmlns:a="${NS_WCF_ADDRESSING_NONE}">` +
      `a:ActionNotSupported</faultcode><faultstring xml:lang="en-US">${escapeText(
        `The message with Action '${action}' cannot be processed at the receiver, due to a ContractFilter ` +
          'mismatch at the EndpointDispatcher. This may be because of either a contract mismatch (mismatched ' +
          'Actions between sender and receiver) or a binding/security mismatch between the sender and the ' +
          'receiver.  Check that sender and receiver have the same contract and the same binding (including ' +
          'security requirements, e.g. Message, Transport, None).',
      )}</faultstring></s:Fault></s:Body></s:Envelope>`
    : `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS_SOAP}" xmlns:xsi="${NS_XSI}" ` +
      `xmlns:xsd="${NS_XSD}"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>` +
      `${escapeText(`Server did not recognize the value of HTTP Header SOAPAction: ${action}.`)}` +
      '</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>';
  return {
    status: 500,
    headers: IIS_SOAP_HEADERS,
    body,
    close: true,
    faultCode: SOAP_ACTION_NOT_RECOGNIZED,
  };
}

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  416: 'Requested Range Not Satisfiable',
};

/** IIS's terse HTML error page. */
export function httpError(status: number, extraHeaders: Record<string, string> = {}): SiteReply {
  const text = STATUS_TEXT[status] ?? 'Error';
  return {
    status,
    headers: { ...IIS_HTML_HEADERS, ...extraHeaders },
    body: `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n<HTML><HEAD><TITLE>${text}</TITLE></HEAD><BODY><h2>${text}</h2><hr><p>HTTP Error ${status}. ${text}.</p></BODY></HTML>\r\n`,
  };
}
