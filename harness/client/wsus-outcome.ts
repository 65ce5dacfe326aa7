// How a WSUS reply ends a scan step: a SOAP fault becomes the fleet's fault code (the fleet owns the
// W-COOKIE recovery), any other non-200 answer or unreadable 200 a named failure (T-SCANRETRY). A 200
// the client cannot use also names its error kind (`unusable`), which the engine counts.
import type { ScanResult, WsusFaultCode } from '../fleet/index.ts';
import type { ErrorKind } from './error-kinds.ts';
import {
  faultLabel,
  parseWsusResponse,
  WsusFault,
  type WsusOperation,
  type WsusResponseOf,
} from '../../protocol/wsus/index.ts';
import { unusableReplyKind } from './reply-errors.ts';

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
  // WCF's InternalServiceFault carries no WSUS code: the client retries later, as for InternalServerError
  // (a recovery decision only: every count and text names it by faultLabel, `(no ErrorCode)`).
  const code: WsusFaultCode | undefined =
    fault.errorCode ?? (fault.kind === 'internal-service-fault' ? 'InternalServerError' : undefined);
  if (code === undefined) {
    return { kind: 'scan-result', outcome: 'failed', failure: `soap:${faultLabel(fault)}` };
  }
  return { kind: 'scan-result', outcome: 'fault', fault: code };
}

/**
 * Parses a 200 answer, turning a parse error or fault into the scan result that ends the scan and the
 * error kind the reply counts as (`soap:<label>` for a fault sent with status 200).
 */
export function parseOrEnd<O extends WsusOperation>(
  op: O,
  text: string,
): { ok: true; value: WsusResponseOf<O> } | { ok: false; result: ScanResult; unusable: ErrorKind } {
  try {
    return { ok: true, value: parseWsusResponse(op, text) };
  } catch (err) {
    return endedBy(err);
  }
}

/** The scan result and error kind for what reading a 200 answer threw. */
export function endedBy(err: unknown): { ok: false; result: ScanResult; unusable: ErrorKind } {
  if (err instanceof WsusFault)
    return { ok: false, result: faultResult(err), unusable: `soap:${faultLabel(err)}` };
  const kind = unusableReplyKind(err);
  return { ok: false, result: { kind: 'scan-result', outcome: 'failed', failure: kind }, unusable: kind };
}
