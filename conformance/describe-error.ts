// Turns whatever a target threw at a check (socket reset, timeout, TLS failure, SOAP fault, garbage XML)
// into one readable line, so a misbehaving target yields a failed check with a reason, never a crash.
import { HttpFailure } from '../harness/driver/http.ts';

export function describeError(err: unknown): string {
  if (err instanceof HttpFailure) return `transport failure (${err.kind}): ${err.message}`;
  if (err instanceof Error) {
    const e = err as Error & { errorCode?: string; kind?: string };
    if (e.name === 'WsusFault' && e.errorCode) return `unexpected SOAP fault ${e.errorCode}: ${e.message}`;
    if (e.name === 'XmlError') return `unparseable reply (${e.kind ?? 'xml'}): ${e.message}`;
    return `${e.name}: ${e.message}`;
  }
  return String(err);
}
