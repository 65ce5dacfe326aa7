// How a WSUS reply ends a scan step: a SOAP fault becomes the fleet's fault code (the fleet owns the
// W-COOKIE recovery), any other non-200 answer or unreadable 200 a named failure (T-SCANRETRY).
import type { ScanResult, WsusFaultCode } from '../../fleet/index.ts';
import {
  parseWsusResponse,
  WsusFault,
  type WsusOperation,
  type WsusResponseOf,
} from '../../../protocol/wsus/index.ts';

/** The scan result for a non-200 reply to `op`: its fault, or an HTTP failure. */
export function unusableReply(op: WsusOperation, status: number, text: string): ScanResult {
  try {
    parseWsusResponse(op, text);
  } catch (err) {
    if (err instanceof WsusFault) return faultResult(err);
  }
  return { kind: 'scan-result', outcome: 'failed', failure: status === 200 ? 'protocol' : `http-${status}` };
}

export function faultResult(fault: WsusFault): ScanResult {
  // WCF's InternalServiceFault carries no WSUS code: it means "retry later", as InternalServerError does.
  const code: WsusFaultCode | undefined =
    fault.errorCode ?? (fault.kind === 'internal-service-fault' ? 'InternalServerError' : undefined);
  if (code === undefined) {
    return {
      kind: 'scan-result',
      outcome: 'failed',
      failure: `soap:${fault.rawErrorCode || fault.faultCode || 'Fault'}`,
    };
  }
  return { kind: 'scan-result', outcome: 'fault', fault: code };
}

/** Parses a 200 answer, turning a parse error or fault into the scan result that ends the scan. */
export function parseOrEnd<O extends WsusOperation>(
  op: O,
  text: string,
): { ok: true; value: WsusResponseOf<O> } | { ok: false; result: ScanResult } {
  try {
    return { ok: true, value: parseWsusResponse(op, text) };
  } catch (err) {
    if (err instanceof WsusFault) return { ok: false, result: faultResult(err) };
    return { ok: false, result: { kind: 'scan-result', outcome: 'failed', failure: 'protocol' } };
  }
}
