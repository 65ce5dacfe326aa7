// The swarm's HTTP transport: undici with one Pool per origin, keep-alive, pipelining 1, HTTPS with a
// CA file or explicit insecure mode. Requests go through `dispatch` with a small handler instead of
// `request()` so there is no stream or promise per request, which matters at tens of thousands of
// requests per second per worker; the handler is the only per-request object of ours (no closures).
//
// It is also the driver's transport (harness/driver/http.ts: discovery, conformance, tests), so every
// client of the project shares one retry policy, one deadline and one memory bound.
//
// Real-world servers misbehave (protocol-reference Appendix B) and the transport survives each way:
// - a server that closes a keep-alive socket after every reply without `Connection: close`: a request
//   that lands on such a socket fails with a reset before any reply byte; it is retried once on a
//   fresh connection (a one-shot Client, so it can't pick another stale pooled socket) as the retry
//   policy says (engine/retry-policy.ts);
// - bodies without Content-Length, ended by the close: undici reads them to the end;
// - odd Content-Type case: headers are handed over as-is and `parseMediaType` reads them tolerantly;
// - a server that drips or stalls: every request has an overall deadline (headers + body), checked by
//   one sweep timer rather than a timer per request;
// - a huge reply: reading stops at the per-reply cap or the transport's buffer budget (`too-large`);
// - anything else becomes a named failure kind, never an exception that could end a run.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { buildConnector, Client, type Dispatcher, Pool, util } from 'undici';
import { classify, HttpFailure } from './http-failure.ts';
import { MAX_BUFFERED_BYTES, MAX_REPLY_BYTES, REQUEST_TIMEOUT_MS } from './http-limits.ts';
import { retryOnFreshSocket } from './retry-policy.ts';
import type { TransportErrorKind } from '../metrics/schema.ts';
import { CONNECTIONS } from './send-limits.ts';

export interface TransportOptions {
  /** Sockets per origin (default 64). */
  connections?: number;
  /** Idle keep-alive sockets are closed after this long (default 10 s). */
  keepAliveTimeoutMs?: number;
  /** Overall deadline of a request, headers + body (default REQUEST_TIMEOUT_MS, engine/http-limits.ts). */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** PEM CA to trust for HTTPS origins. */
  caFile?: string;
  ca?: string | Buffer;
  /** Accept any certificate (explicit opt-in only). */
  insecure?: boolean;
  /** Replies kept in memory above this size stop reading and fail as 'too-large' (default 64 MiB). */
  maxBodyBytes?: number;
  /** Reply bytes held at once over all requests in flight; above it a reply fails as 'too-large'. */
  maxBufferedBytes?: number;
  /** Retry once on a fresh socket after a reset before any reply byte on a reused socket (default true). */
  retryResets?: boolean;
}

export interface TransportRequest {
  origin: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /**
   * The body, or a function that builds it. A function is called once, when the request is really
   * sent, and its result replaces it here: a request the engine skips (in-flight limit, stopping)
   * then costs no encoding or compression, which would otherwise feed an overload with more CPU work.
   */
  body?: string | Uint8Array | (() => Uint8Array);
  /** Count the reply body's bytes but don't keep them (content downloads). */
  discardBody?: boolean;
}

export interface TransportReply {
  ok: true;
  status: number;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
  /** Approximate bytes on the wire: request line + headers + body. */
  bytesIn: number;
  bytesOut: number;
  retried: boolean;
}

export interface TransportFailure {
  ok: false;
  kind: TransportErrorKind;
  message: string;
  bytesOut: number;
  retried: boolean;
}

export type TransportResult = TransportReply | TransportFailure;
export type TransportCallback = (result: TransportResult) => void;

const EMPTY = new Uint8Array(0);
const NO_HEADERS: IncomingHttpHeaders = {};
const { parseHeaders } = util;

/** The error our own abort (drain deadline) raises, so it is counted as 'aborted', not 'other'. */
class DrainAbort extends Error {
  override readonly name = 'DrainAbort';
}

export class Transport {
  readonly #pools = new Map<string, Pool>();
  readonly #inFlight = new Set<ReplyCollector>();
  readonly #options: Required<Omit<TransportOptions, 'ca' | 'caFile'>> & { ca?: string | Buffer };
  #closed = false;
  /** Opens every socket (TCP or TLS) of every pool; marks the moment undici takes a new one over. */
  readonly #connect: buildConnector.connector;
  /**
   * True while undici takes over a socket that just connected. Its Client writes the first request on
   * it synchronously from there (pipelining 1), so the first handler whose onConnect runs in that window
   * is the socket's first request; every other request is written on a socket that already served one.
   * undici gives a core handler no socket, so this is how a handler learns which it got.
   */
  #socketJustConnected = false;
  /** Reply bytes held by requests in flight (bounded by maxBufferedBytes). */
  #buffered = 0;
  /** The deadline sweep, armed while anything is in flight. */
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: TransportOptions = {}) {
    const ca = options.ca ?? (options.caFile ? readFileSync(options.caFile) : undefined);
    this.#options = {
      connections: options.connections ?? CONNECTIONS.default,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 10_000,
      timeoutMs: options.timeoutMs ?? REQUEST_TIMEOUT_MS.default,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      insecure: options.insecure ?? false,
      maxBodyBytes: options.maxBodyBytes ?? MAX_REPLY_BYTES.default,
      maxBufferedBytes: options.maxBufferedBytes ?? MAX_BUFFERED_BYTES.default,
      retryResets: options.retryResets ?? true,
      ...(ca === undefined ? {} : { ca }),
    };
    const connector = buildConnector({
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: !this.#options.insecure,
      timeout: this.#options.connectTimeoutMs,
    });
    this.#connect = (opts, callback) =>
      connector(opts, (err: Error | null, socket: Socket | null) => {
        if (err || !socket) {
          callback(err ?? new Error('connector returned no socket'), null);
          return;
        }
        this.#socketJustConnected = true;
        try {
          callback(null, socket);
        } finally {
          this.#socketJustConnected = false;
        }
      });
  }

  /** For ReplyCollector.onConnect: true when its request is the first on a just-connected socket. */
  takeFreshSocket(): boolean {
    const fresh = this.#socketJustConnected;
    this.#socketJustConnected = false;
    return fresh;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Sends a request; `done` is called exactly once, with a reply of any status or a named failure. */
  send(req: TransportRequest, done: TransportCallback): void {
    if (typeof req.body === 'function') req.body = req.body();
    const bytesOut = requestBytes(req);
    if (this.#closed) {
      done({ ok: false, kind: 'aborted', message: 'transport closed', bytesOut, retried: false });
      return;
    }
    let pool: Pool;
    try {
      pool = this.#pool(req.origin);
    } catch (err) {
      done({
        ok: false,
        kind: 'other',
        message: `bad origin ${req.origin}: ${String(err)}`,
        bytesOut,
        retried: false,
      });
      return;
    }
    this.#dispatch(pool, req, bytesOut, undefined, performance.now() + this.#options.timeoutMs, done);
  }

  /** Reply bytes held right now by requests in flight. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** A collector wants to hold `n` more bytes: false when that would pass the buffer budget. */
  reserve(n: number): boolean {
    if (this.#buffered + n > this.#options.maxBufferedBytes) return false;
    this.#buffered += n;
    return true;
  }

  /** Aborts every request still in flight (they complete with kind 'aborted'). */
  abortAll(reason = 'aborted at drain deadline'): void {
    for (const c of [...this.#inFlight]) c.abort(new DrainAbort(reason));
  }

  /** Closes every pool; in-flight requests are aborted first. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = undefined;
    this.abortAll('transport closed');
    await Promise.all([...this.#pools.values()].map((p) => p.destroy().catch(() => {})));
    this.#pools.clear();
  }

  #dispatch(
    dispatcher: Dispatcher,
    req: TransportRequest,
    bytesOut: number,
    retryClient: Client | undefined,
    deadline: number,
    done: TransportCallback,
  ) {
    const collector = new ReplyCollector(this, req, bytesOut, retryClient, deadline, done);
    this.#inFlight.add(collector);
    this.#armSweep();
    dispatcher.dispatch(
      {
        origin: req.origin,
        method: req.method as Dispatcher.HttpMethod,
        path: req.path,
        headers: req.headers,
        // send() has already replaced a body-building function with what it built.
        body: req.body as string | Uint8Array | undefined,
        // The fresh-socket retry asks for the socket to be closed after its one request.
        reset: retryClient !== undefined,
      },
      collector,
    );
  }

  /** Called once per collector with its outcome: retries a reset before any reply byte, else reports. */
  finish(collector: ReplyCollector, result: TransportResult): void {
    this.#inFlight.delete(collector);
    if (this.#inFlight.size === 0 && this.#sweep) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
    const retryClient = collector.retryClient;
    if (retryClient !== undefined) retryClient.destroy().catch(() => {});
    if (
      !result.ok &&
      this.#retryAllowed() &&
      retryOnFreshSocket({
        kind: result.kind,
        replyStarted: collector.replyStarted,
        socketReused: collector.socketReused,
        retries: retryClient === undefined ? 0 : 1,
      })
    ) {
      this.#buffered -= collector.heldBytes;
      this.#retryOnFreshSocket(collector.req, collector.bytesOut, collector.deadline, collector.done);
      return;
    }
    try {
      collector.done(result);
    } finally {
      // The body is the caller's once done returns; it no longer counts against the budget.
      this.#buffered -= collector.heldBytes;
    }
  }

  /** One timer for every request's overall deadline; runs only while something is in flight. */
  #armSweep(): void {
    if (this.#sweep) return;
    const every = Math.min(1000, Math.max(10, this.#options.timeoutMs / 10));
    this.#sweep = setInterval(() => {
      const now = performance.now();
      for (const c of this.#inFlight) {
        if (c.deadline <= now) {
          c.abort(new HttpFailure(`no complete reply within ${this.#options.timeoutMs} ms`, 'timeout'));
        }
      }
    }, every);
    this.#sweep.unref();
  }

  get maxBodyBytes(): number {
    return this.#options.maxBodyBytes;
  }

  #retryAllowed(): boolean {
    return this.#options.retryResets && !this.#closed;
  }

  #retryOnFreshSocket(
    req: TransportRequest,
    bytesOut: number,
    deadline: number,
    done: TransportCallback,
  ): void {
    const client = new Client(req.origin, this.#clientOptions());
    this.#dispatch(client, req, bytesOut, client, deadline, done);
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { ...this.#clientOptions(), connections: this.#options.connections });
      // A pool emits 'connectionError' etc.; without a listener an EventEmitter 'error' would throw.
      pool.on('connectionError', () => {});
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  #clientOptions(): Pool.Options {
    const o = this.#options;
    return {
      pipelining: 1,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      keepAliveMaxTimeout: o.keepAliveTimeoutMs,
      // undici's own timeouts are off (0): the overall deadline (the sweep) is stricter than both, and
      // with them on every request re-armed two timers (headers, then the native keep-alive one).
      headersTimeout: 0,
      bodyTimeout: 0,
      // TLS trust and the connect timeout are the connector's (it is built with them).
      connect: this.#connect,
    };
  }
}

/**
 * Collects one reply; reports exactly once. It implements undici's core (onConnect/onHeaders/...)
 * handler interface rather than the controller one: undici wraps a controller-style handler in an
 * adapter and a controller per request and parses the (empty) trailers, which showed in profiles.
 */
class ReplyCollector implements Dispatcher.DispatchHandler {
  replyStarted = false;
  /** The request went out on a socket that had already served a request (set when it is written). */
  socketReused = false;
  #abort: ((err?: Error) => void) | undefined;
  #pendingAbort: Error | undefined;
  #aborted = false;
  #status = 0;
  #headers: IncomingHttpHeaders = NO_HEADERS;
  /** The first body chunk; most replies have just one, so no array until a second one comes. */
  #first: Buffer | undefined;
  #chunks: Buffer[] | undefined;
  #bodyBytes = 0;
  /** Body bytes this request holds against the transport's buffer budget. */
  heldBytes = 0;
  #headerBytes = 0;
  #finished = false;

  constructor(
    readonly transport: Transport,
    readonly req: TransportRequest,
    readonly bytesOut: number,
    /** The one-shot client of a fresh-socket retry (destroyed once this request is done). */
    readonly retryClient: Client | undefined,
    /** performance.now() after which the request fails as a timeout (the retry keeps the first's). */
    readonly deadline: number,
    readonly done: TransportCallback,
  ) {}

  abort(reason: Error): void {
    if (this.#aborted) return;
    if (this.#abort) {
      this.#aborted = true;
      this.#abort(reason);
    } else this.#pendingAbort = reason;
  }

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    this.socketReused = !this.transport.takeFreshSocket();
    if (this.#pendingAbort) this.abort(this.#pendingAbort);
  }

  onHeaders(status: number, rawHeaders: Buffer[], _resume: () => void, _statusText: string): boolean {
    if (status < 200) return true; // 1xx: the real reply follows
    this.replyStarted = true;
    this.#status = status;
    this.#headers = parseHeaders(rawHeaders) as IncomingHttpHeaders;
    // "HTTP/1.1 200 OK\r\n" and the blank line, roughly, then "name: value\r\n" per header line
    let n = 17;
    for (let i = 0; i < rawHeaders.length; i += 2) n += rawHeaders[i]!.length + rawHeaders[i + 1]!.length + 4;
    this.#headerBytes = n;
    // A body announced larger than the cap is refused before a byte of it is read.
    const length = Number(this.#headers['content-length']);
    if (!this.req.discardBody && length > this.transport.maxBodyBytes) {
      this.abort(
        new HttpFailure(
          `reply of ${length} bytes announced, over the cap of ${this.transport.maxBodyBytes}`,
          'too-large',
        ),
      );
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#aborted) return true;
    this.#bodyBytes += chunk.length;
    if (this.req.discardBody) return true;
    if (this.#bodyBytes > this.transport.maxBodyBytes) {
      this.#drop();
      this.abort(new HttpFailure(`reply larger than ${this.transport.maxBodyBytes} bytes`, 'too-large'));
      return true;
    }
    if (!this.transport.reserve(chunk.length)) {
      this.#drop();
      this.abort(
        new HttpFailure(
          `reply of ${this.#bodyBytes}+ bytes does not fit the buffer budget of the requests in flight`,
          'too-large',
        ),
      );
      return true;
    }
    this.heldBytes += chunk.length;
    if (this.#first === undefined) this.#first = chunk;
    else if (this.#chunks === undefined) this.#chunks = [this.#first, chunk];
    else this.#chunks.push(chunk);
    return true;
  }

  onComplete(_trailers: string[] | null): void {
    if (this.#finished) return;
    this.#finished = true;
    const body = this.#chunks ? Buffer.concat(this.#chunks) : (this.#first ?? EMPTY);
    this.#first = undefined;
    this.#chunks = undefined;
    this.transport.finish(this, {
      ok: true,
      status: this.#status,
      headers: this.#headers,
      body,
      bytesIn: this.#headerBytes + this.#bodyBytes,
      bytesOut: this.bytesOut,
      retried: this.retryClient !== undefined,
    });
  }

  /** Lets go of the body read so far (a reply that will fail). */
  #drop(): void {
    this.#first = undefined;
    this.#chunks = undefined;
  }

  onError(error: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#drop();
    const kind: TransportErrorKind =
      error instanceof DrainAbort ? 'aborted' : classify(error, this.replyStarted).kind;
    this.transport.finish(this, {
      ok: false,
      kind,
      message: error.message,
      bytesOut: this.bytesOut,
      retried: this.retryClient !== undefined,
    });
  }
}

function requestBytes(req: TransportRequest): number {
  const body = req.body;
  const bodyLength =
    body === undefined || typeof body === 'function'
      ? 0
      : typeof body === 'string'
        ? Buffer.byteLength(body)
        : body.length;
  let n = req.method.length + req.path.length + 13 + req.origin.length + 8 + bodyLength;
  if (req.headers) for (const k in req.headers) n += k.length + (req.headers[k]?.length ?? 0) + 4;
  return n;
}
