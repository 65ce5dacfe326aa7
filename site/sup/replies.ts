// How the SUP answers on the wire: the headers IIS/ASP.NET put on every WSUS reply, SOAP bodies, WSUS
// faults in the captured shape (HTTP 500, Connection: close, s:Fault with detail ErrorCode/Message/ID/
// Method), and the plain IIS error pages for requests that never reach a web service.
import { randomUUID } from 'node:crypto';
import { buildWsusFault, type WsusErrorCode, type WsusOperation } from '../../protocol/wsus/index.ts';
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
