// k6's request errors (`response.error_code`, https://grafana.com/docs/k6/latest/javascript-api/error-codes/)
// in the error vocabulary every patchstorm report uses (harness/client/error-kinds.ts). A k6 request that
// got no reply does not throw: it returns status 0 and an error code (docs/k6-runtime.md).
import type { TransportErrorKind } from '../client/error-kinds.ts';

export function transportErrorKind(errorCode: number, error: string): TransportErrorKind {
  // 1050 request timeout, 1211 dial timeout.
  if (errorCode === 1050 || errorCode === 1211) return 'timeout';
  // 1212 connection refused; 1100-1199 DNS (no such host), reported like a refused connection: no socket.
  if (errorCode === 1212 || (errorCode >= 1100 && errorCode < 1200)) return 'refused';
  // 1201 broken pipe, 1220 reset by peer.
  if (errorCode === 1201 || errorCode === 1220) return 'reset';
  // 1300-1399 TLS (unknown authority, hostname mismatch, handshake).
  if (errorCode >= 1300 && errorCode < 1400) return 'tls';
  // Go's net/http says "unexpected EOF" when a body ends before its Content-Length.
  if (/unexpected EOF/i.test(error)) return 'truncated';
  if (/timeout|deadline exceeded/i.test(error)) return 'timeout';
  return 'other';
}
