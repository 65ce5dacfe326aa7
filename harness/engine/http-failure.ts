// A request that got no usable reply, named by kind (metrics/schema.ts TRANSPORT_ERRORS), for every
// HTTP client of the project: undici and socket errors are mapped here, once.
import { errors } from 'undici';
import type { TransportErrorKind } from '../metrics/schema.ts';

export type FailureKind = TransportErrorKind;

export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  constructor(
    message: string,
    readonly kind: FailureKind,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * Maps undici / socket errors onto the named failure kinds every report uses. `replyStarted`: the
 * reply's status line had arrived, so a connection that ends now cut the reply short (`truncated`).
 */
export function classify(err: unknown, replyStarted = false): HttpFailure {
  if (err instanceof HttpFailure) return err;
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const message = e.message ?? String(err);
  if (
    err instanceof errors.HeadersTimeoutError ||
    err instanceof errors.BodyTimeoutError ||
    err instanceof errors.ConnectTimeoutError ||
    code === 'ETIMEDOUT'
  ) {
    return new HttpFailure(message, 'timeout', err);
  }
  if (code === 'ECONNREFUSED') return new HttpFailure(message, 'refused', err);
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' ||
    err instanceof errors.SocketError
  ) {
    return new HttpFailure(message, replyStarted ? 'truncated' : 'reset', err);
  }
  if (/CERT|SSL|TLS|self.signed|certificate/i.test(code + message))
    return new HttpFailure(message, 'tls', err);
  // llhttp parse errors mid-body (a chunked body cut short, bytes that are not HTTP) cut the reply too.
  if (replyStarted && code.startsWith('HPE_')) return new HttpFailure(message, 'truncated', err);
  return new HttpFailure(message, 'other', err);
}
