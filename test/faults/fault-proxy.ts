// A fault-injecting HTTP proxy of our own, in front of one origin of the reference site (SUP or MP).
// It reads each request off the raw socket, names its operation as the fleet's metrics do (SOAPAction
// for the SUP, the CCM Msg header's TargetEndpoint or the policy path for the MP), and answers the
// first `count` requests of the targeted operation with the fault; everything else is forwarded to the
// site and answered faithfully. Working on the raw socket lets a fault do what a broken server does:
// reset before or in the middle of a reply, lie in Content-Length, answer HTTP/1.0 close-delimited,
// drip, stall, stream a body far larger than any cap. It counts what it saw and what it injected, so a
// test can require the run's counts to equal them exactly.
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { request } from 'undici';

/** A reply the proxy got from the site for the request (forwarded before the fault shapes it). */
export interface UpstreamReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What a fault does with the socket; `upstream()` forwards the request first when the fault needs it. */
export type Fault = (socket: Socket, upstream: () => Promise<UpstreamReply>) => void | Promise<void>;

export interface FaultProxyOptions {
  /** The site origin behind the proxy, e.g. 'http://127.0.0.1:8530'. */
  upstream: string;
  /** Operation to fault (e.g. 'wsus.SyncUpdates', 'mp.location', 'mp.statemsg'). */
  operation: string;
  fault: Fault;
  /** How many requests of the operation get the fault (then it passes them through). */
  count: number;
  /** Serve TLS with this certificate (one the client does not trust). */
  tls?: { key: string; cert: string };
}

export class FaultProxy {
  readonly #o: FaultProxyOptions;
  readonly #sockets = new Set<Socket>();
  #server: Server;
  #port = 0;
  /** Requests seen per operation, faults injected, TLS handshakes refused by the client. */
  readonly seen = new Map<string, number>();
  injected = 0;
  tlsFailures = 0;

  constructor(options: FaultProxyOptions) {
    this.#o = options;
    this.#server = this.#create();
  }

  get origin(): string {
    return `${this.#o.tls ? 'https' : 'http'}://127.0.0.1:${this.#port}`;
  }

  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.#server.address();
    this.#port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  /** The server dies: no more connections (refused), every open one cut. */
  async kill(): Promise<void> {
    const closed = new Promise<void>((r) => this.#server.close(() => r()));
    for (const s of this.#sockets) s.resetAndDestroy();
    await closed;
  }

  /** The server comes back on the same port. */
  async restart(): Promise<void> {
    this.#server = this.#create();
    await this.start(this.#port);
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    if (this.#server.listening) await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #create(): Server {
    const onSocket = (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
      this.#serve(socket);
    };
    if (!this.#o.tls) return createTcpServer(onSocket);
    const server = createTlsServer({ key: this.#o.tls.key, cert: this.#o.tls.cert }, onSocket);
    server.on('tlsClientError', () => this.tlsFailures++);
    return server;
  }

  /** Reads requests one at a time (the clients pipeline one request per socket). */
  #serve(socket: Socket): void {
    let buffered = Buffer.alloc(0);
    let busy = false;
    const next = () => {
      if (busy || socket.destroyed) return;
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.subarray(end + 4, end + 4 + length);
      buffered = buffered.subarray(end + 4 + length);
      busy = true;
      this.#handle(socket, head, Buffer.from(body)).then(
        () => {
          busy = false;
          next();
        },
        () => socket.destroy(),
      );
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      next();
    });
  }

  async #handle(socket: Socket, head: string, body: Buffer): Promise<void> {
    const [requestLine, ...lines] = head.split('\r\n');
    const [method = 'GET', path = '/'] = (requestLine ?? '').split(' ');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const operation = operationOf(method, path, headers, body);
    this.seen.set(operation, (this.seen.get(operation) ?? 0) + 1);
    const upstream = () => this.#forward(method, path, headers, body);
    if (operation.startsWith(this.#o.operation) && this.injected < this.#o.count) {
      this.injected++;
      await this.#o.fault(socket, upstream);
      return;
    }
    writeReply(socket, await upstream());
  }

  async #forward(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<UpstreamReply> {
    const { host: _host, connection: _c, 'content-length': _l, ...rest } = headers;
    const res = await request(this.#o.upstream + path, {
      method: method as 'GET',
      headers: rest,
      ...(body.length > 0 ? { body } : {}),
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined || k === 'transfer-encoding' || k === 'connection' || k === 'keep-alive') continue;
      out[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    return { status: res.statusCode, headers: out, body: Buffer.from(await res.body.arrayBuffer()) };
  }
}

/** Writes a faithful HTTP/1.1 keep-alive reply (Content-Length set to the body's length). */
export function writeReply(socket: Socket, reply: UpstreamReply, contentLength = reply.body.length): void {
  socket.write(replyHead(reply, contentLength));
  socket.write(reply.body);
}

/** The status line and headers of a reply, with the Content-Length given (or none when undefined). */
export function replyHead(
  reply: Pick<UpstreamReply, 'status' | 'headers'>,
  contentLength: number | undefined,
  version = 'HTTP/1.1',
): string {
  let head = `${version} ${reply.status} ${reply.status === 200 ? 'OK' : 'Status'}\r\n`;
  for (const [k, v] of Object.entries(reply.headers)) {
    if (k === 'content-length') continue;
    head += `${k}: ${v}\r\n`;
  }
  if (contentLength !== undefined) head += `content-length: ${contentLength}\r\n`;
  return `${head}\r\n`;
}

const UTF16_ENDPOINTS: readonly [string, Buffer][] = [
  ['mp.registration', Buffer.from('MP_ClientRegistration', 'utf16le')],
  ['mp.policy.assignments', Buffer.from('MP_PolicyManager', 'utf16le')],
  ['mp.location', Buffer.from('MP_LocationManager', 'utf16le')],
  ['mp.statemsg', Buffer.from('MP_RelayEndpoint', 'utf16le')],
];

/** The metric operation name of a request, as the fleet names it (MP locations: 'mp.location'). */
export function operationOf(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): string {
  const action = headers.soapaction?.replace(/"/g, '');
  if (action) return `wsus.${action.slice(action.lastIndexOf('/') + 1)}`;
  if (method === 'CCM_POST') {
    for (const [name, marker] of UTF16_ENDPOINTS) if (body.includes(marker)) return name;
    return 'mp.other';
  }
  if (method === 'GET' && /policy/i.test(path)) return 'mp.policy.body';
  return `${method} ${path}`;
}
