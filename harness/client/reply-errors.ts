// Which replies count as errors, and under what name: HTTP status classes, SOAP faults named by their
// WSUS ErrorCode (a fault without one, e.g. WCF's InternalServiceFault, is `soap:(no ErrorCode)`), and
// 200 replies the client could not use, named by what was wrong with them (unusableReplyKind). Cheap
// string scans rather than an XML parse for the status path: it runs on every 5xx reply in the hot
// path, and the fleet's protocol parser does the real parse when it needs the fault's details.
import { latin1Decode } from '../../protocol/bytes.ts';
import { MpProtocolError } from '../../protocol/mp/errors.ts';
import { NO_ERROR_CODE } from '../../protocol/wsus/errors.ts';
import { XmlError } from '../../protocol/xml.ts';
import type { ErrorKind, UnusableReplyKind } from './error-kinds.ts';

const ERROR_CODE = /<(?:\w+:)?ErrorCode>\s*([A-Za-z]+)\s*<\/(?:\w+:)?ErrorCode>/;
/** How much of a fault body to scan; WSUS faults put ErrorCode within the first KB. */
const FAULT_SCAN_BYTES = 16 * 1024;

export interface MediaType {
  /** Lower-case `type/subtype`, '' when absent. */
  type: string;
  /** Lower-case charset when given (any spelling of the parameter name's case), else undefined. */
  charset?: string;
}

/**
 * Parses a Content-Type that may come in odd case, with quoted or misspelt parameters
 * (`TEXT/XML; CharSet="UTF-8"`, `text/xml;charset=utf8`), as third-party WSUS servers send it.
 */
export function parseMediaType(value: string | string[] | undefined): MediaType {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return { type: '' };
  const [head, ...params] = raw.split(';');
  const type = (head ?? '').trim().toLowerCase();
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const name = p
      .slice(0, eq)
      .trim()
      .toLowerCase()
      .replace(/[^a-z]/g, '');
    if (name === 'charset') {
      const v = p
        .slice(eq + 1)
        .trim()
        .replace(/^["']|["']$/g, '')
        .toLowerCase();
      return { type, charset: v === 'utf8' ? 'utf-8' : v };
    }
  }
  return { type };
}

/** The SOAP fault code of a reply body, or undefined when the body is not a SOAP fault. */
export function soapFaultCode(body: Uint8Array): string | undefined {
  const text = latin1Decode(body.subarray(0, FAULT_SCAN_BYTES));
  if (!/Fault>/.test(text)) return undefined;
  const code = ERROR_CODE.exec(text)?.[1];
  return code ?? NO_ERROR_CODE;
}

/** The error kind of a reply, or undefined when it is a success (1xx-3xx without a SOAP fault). */
export function replyErrorKind(status: number, body: Uint8Array): ErrorKind | undefined {
  if (status >= 500 || status === 400) {
    // WSUS answers faults with 500 (some servers use 400); a fault body is the more useful name.
    const code = body.length > 0 ? soapFaultCode(body) : undefined;
    if (code) return `soap:${code}`;
  }
  if (status >= 500) return 'http-5xx';
  if (status >= 400) return 'http-4xx';
  return undefined;
}

/**
 * The error kind of a reply that arrived whole but could not be used, from what its reader threw:
 * the protocol codecs' typed errors (XmlError, WsusProtocolError, MpProtocolError, DpProtocolError).
 * Anything else a reader throws (WsusProtocolError, DpProtocolError, a bad base64 field) is `protocol`:
 * well-formed, but not what the operation answers.
 */
export function unusableReplyKind(err: unknown): UnusableReplyKind | 'too-large' {
  if (err instanceof XmlError) {
    switch (err.kind) {
      case 'doctype':
      case 'depth':
        return 'refused-xml';
      case 'too-large':
        return 'too-large';
      case 'malformed':
        return 'malformed-xml';
      default:
        return 'protocol';
    }
  }
  if (err instanceof MpProtocolError) {
    if (err.kind === 'zlib') return 'bad-compression';
    if (err.kind === 'too-large') return 'too-large';
    return 'protocol';
  }
  // WsusProtocolError, DpProtocolError, BytesError: a well-formed reply that is not the answer.
  return 'protocol';
}
