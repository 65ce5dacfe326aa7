// "The site should have answered fault X": one sentence describing what came back instead.
import type { WsusErrorCode, WsusOperation } from '../../protocol/wsus/index.ts';
import type { WsusExchange } from './wsus-exchange.ts';

/** undefined when the exchange is the expected WSUS fault, else what was seen. */
export function faultMismatch(ex: WsusExchange<WsusOperation>, expected: WsusErrorCode): string | undefined {
  if (ex.fault?.errorCode === expected) return undefined;
  if (ex.response) return `${ex.operation} succeeded (HTTP ${ex.status}), expected the ${expected} fault`;
  const got =
    ex.fault?.errorCode ??
    (ex.fault?.rawErrorCode || `a fault without ErrorCode (faultcode ${ex.fault?.faultCode})`);
  return `${ex.operation} answered ${got} (HTTP ${ex.status}), expected ${expected}`;
}
