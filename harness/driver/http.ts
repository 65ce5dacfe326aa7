// The protocol-level clients' HTTP layer: undici with one pool per origin, bodies always read whole,
// byte counts measured on the wire (headers + body), and failures classified into named kinds so a
// caller can count them instead of crashing.
import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher, errors, request } from 'undici';

export type FailureKind = 'timeout' | 'reset' | 'refused' | 'tls' | 'other';

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

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Approximate bytes on the wire: request line + headers + body, both directions. */
  bytesOut: number;
  bytesIn: number;
}

export interface HttpClientOptions {
  /** PEM file of a CA to trust for HTTPS targets (the reference site prints its path). */
  caFile?: string;
  ca?: string | Buffer;
  /** Accept any certificate (explicit opt-in only). */
  insecure?: boolean;
  connections?: number;
  timeoutMs?: number;
}

export class HttpClient {
  readonly #dispatcher: Dispatcher;
  readonly #timeoutMs: number;

  constructor(options: HttpClientOptions = {}) {
    const ca = options.ca ?? (options.caFile ? readFileSync(options.caFile) : undefined);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#dispatcher = new Agent({
      connections: options.connections ?? 8,
      keepAliveTimeout: 10_000,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      connect: { ca, rejectUnauthorized: !options.insecure },
    });
  }

  async send(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Uint8Array | string,
  ): Promise<HttpResponse> {
    const u = new URL(url);
    const bodyLength =
      body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    let bytesOut = method.length + u.pathname.length + u.search.length + 12 + bodyLength;
    for (const [k, v] of Object.entries(headers)) bytesOut += k.length + v.length + 4;
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        dispatcher: this.#dispatcher,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      const buf = Buffer.from(await res.body.arrayBuffer());
      let bytesIn = 17 + buf.length;
      for (const [k, v] of Object.entries(res.headers)) bytesIn += k.length + String(v).length + 4;
      return { status: res.statusCode, headers: res.headers, body: buf, bytesOut, bytesIn };
    } catch (err) {
      throw classify(err);
    }
  }

  close(): Promise<void> {
    return this.#dispatcher.close();
  }
}

/** Maps undici / socket errors onto the named failure kinds every report uses. */
export function classify(err: unknown): HttpFailure {
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
    err instanceof errors.SocketError
  ) {
    return new HttpFailure(message, 'reset', err);
  }
  if (/CERT|SSL|TLS|self.signed|certificate/i.test(code + message))
    return new HttpFailure(message, 'tls', err);
  return new HttpFailure(message, 'other', err);
}
