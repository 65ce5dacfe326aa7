// The protocol-level clients' HTTP layer (discovery, conformance, tests): a promise over the swarm's
// transport (engine/transport.ts), so both share one retry policy (a reset on a reused keep-alive
// socket is retried once on a fresh one, engine/retry-policy.ts), one overall request deadline and one
// memory bound (engine/http-limits.ts: bodies capped while streaming, bytes held bounded per client).
// Failures come back as HttpFailure with a named kind so a caller can count them instead of crashing.
import { Transport } from '../engine/transport.ts';
import { classify, type FailureKind, HttpFailure } from '../engine/http-failure.ts';

export { classify, type FailureKind, HttpFailure };

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
  /** Overall deadline per request, headers + body (default REQUEST_TIMEOUT_MS, http-limits.ts). */
  timeoutMs?: number;
  /** Largest reply body read (default MAX_REPLY_BYTES); a larger one fails as `too-large`. */
  maxBodyBytes?: number;
  /** Reply bytes held at once over all requests in flight (default MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
}

export class HttpClient {
  readonly #transport: Transport;

  constructor(options: HttpClientOptions = {}) {
    this.#transport = new Transport({
      connections: options.connections ?? 8,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.insecure === undefined ? {} : { insecure: options.insecure }),
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
    });
  }

  send(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Uint8Array | string,
  ): Promise<HttpResponse> {
    let u: URL;
    try {
      u = new URL(url);
    } catch (err) {
      return Promise.reject(new HttpFailure(`bad URL ${url}: ${String(err)}`, 'other', err));
    }
    return new Promise((resolve, reject) => {
      this.#transport.send(
        {
          origin: u.origin,
          method,
          path: u.pathname + u.search,
          headers,
          ...(body === undefined ? {} : { body }),
        },
        (r) => {
          if (!r.ok) {
            reject(new HttpFailure(r.message, r.kind));
            return;
          }
          const b = r.body;
          resolve({
            status: r.status,
            headers: r.headers,
            body: Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength),
            bytesOut: r.bytesOut,
            bytesIn: r.bytesIn,
          });
        },
      );
    });
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}
