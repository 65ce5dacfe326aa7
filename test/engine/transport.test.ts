import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMediaType, replyErrorKind } from '../../harness/client/reply-errors.ts';
import { Transport, type TransportRequest, type TransportResult } from '../../harness/engine/transport.ts';
import { httpServer, httpsServer, rawServer, type TestServer } from './misbehaving-servers.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

function track<T extends { close(): Promise<void> }>(x: T): T {
  open.push(x);
  return x;
}

function send(
  t: Transport,
  origin: string,
  path = '/',
  method = 'GET',
  body?: string,
): Promise<TransportResult> {
  return new Promise((resolve) => t.send({ origin, method, path, ...(body ? { body } : {}) }, resolve));
}

function text(r: TransportResult): string {
  if (!r.ok) throw new Error(`expected a reply, got ${r.kind}: ${r.message}`);
  return Buffer.from(r.body).toString();
}

describe('Transport against well-behaved and misbehaving servers', () => {
  it('returns status, headers and whole body over a keep-alive pool, reusing one socket', async () => {
    const server = track(await httpServer((_req, res) => res.end('hello')));
    const t = track(new Transport({ connections: 1 }));
    for (let i = 0; i < 5; i++) expect(text(await send(t, server.origin))).toBe('hello');
    expect(server.connections()).toBe(1);
  });

  it('builds a body given as a function once, when it sends it, and sends what it built', async () => {
    const received: string[] = [];
    const server = track(
      await httpServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => {
          body += d.toString();
        });
        req.on('end', () => {
          received.push(body);
          res.end('ok');
        });
      }),
    );
    const t = track(new Transport({ connections: 1 }));
    let builds = 0;
    const req: TransportRequest = {
      origin: server.origin,
      method: 'POST',
      path: '/',
      body: () => {
        builds++;
        return new TextEncoder().encode('<built/>');
      },
    };
    const result = await new Promise<TransportResult>((resolve) => t.send(req, resolve));
    expect(text(result)).toBe('ok');
    expect(builds).toBe(1);
    expect(received).toEqual(['<built/>']);
    expect(req.body).toEqual(new TextEncoder().encode('<built/>'));
  });

  it('retries once on a fresh socket when a reused keep-alive socket is reset', async () => {
    // Answers the first request on each socket with keep-alive semantics (no Connection: close),
    // then resets the socket when a second request arrives on it: the Appendix B server that
    // closes after every reply, caught in the race where the client already reused the socket.
    let requests = 0;
    const server = track(
      await rawServer((socket, index) => {
        requests++;
        if (index === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        else socket.resetAndDestroy();
      }),
    );
    const t = track(new Transport({ connections: 1 }));
    const first = await send(t, server.origin);
    expect(text(first)).toBe('ok');
    expect(first.retried).toBe(false);
    const second = await send(t, server.origin, '/ClientWebService/client.asmx', 'POST', '<SyncUpdates/>');
    expect(text(second)).toBe('ok');
    expect(second.retried).toBe(true);
    expect(server.connections()).toBe(2);
    expect(requests).toBe(3); // the first, the reset one, its one retry
  });

  it('does not retry a reset of the first request on a new socket: a POST is sent once, counted as reset', async () => {
    // The server reads each request in full, then resets the connection: nothing stale about the
    // socket, and the request may have been processed, so sending it again could do it twice.
    let requests = 0;
    const server = track(
      await rawServer((socket) => {
        requests++;
        socket.resetAndDestroy();
      }),
    );
    const t = track(new Transport());
    const r = await send(t, server.origin, '/ClientWebService/client.asmx', 'POST', '<unknown/>');
    expect(r).toMatchObject({ ok: false, kind: 'reset', retried: false });
    expect(requests).toBe(1);
    expect(server.connections()).toBe(1);
    // Still true on the next new socket of the same pool (the first socket is gone).
    const again = await send(t, server.origin, '/ClientWebService/client.asmx', 'POST', '<unknown/>');
    expect(again).toMatchObject({ ok: false, kind: 'reset', retried: false });
    expect(requests).toBe(2);
  });

  it('survives a server that closes every keep-alive socket right after replying', async () => {
    const server = track(
      await httpServer((_req, res) => {
        res.on('finish', () => res.socket?.destroy());
        res.end('bye');
      }),
    );
    const t = track(new Transport({ connections: 2 }));
    const results = await Promise.all(Array.from({ length: 20 }, () => send(t, server.origin)));
    expect(results.map(text)).toEqual(Array(20).fill('bye'));
  });

  it('reads a body with no Content-Length to the end of the connection', async () => {
    const body = 'x'.repeat(100_000);
    const server = track(
      await rawServer((socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: TEXT/XML; CharSet="UTF-8"\r\n\r\n');
        socket.end(body);
      }),
    );
    const t = track(new Transport());
    const r = await send(t, server.origin);
    expect(text(r)).toBe(body);
    expect(r.ok && parseMediaType(r.headers['content-type'])).toEqual({ type: 'text/xml', charset: 'utf-8' });
  });

  it('names a connection closed with no reply at all as a reset', async () => {
    const server = track(await rawServer((socket) => socket.destroy()));
    const t = track(new Transport());
    const r = await send(t, server.origin, '/ClientWebService/client.asmx', 'POST', '<unknown/>');
    expect(r).toMatchObject({ ok: false, kind: 'reset', retried: false });
  });

  it('names a refused connection', async () => {
    const server = await httpServer((_q, s) => s.end());
    const { origin } = server;
    await server.close();
    const t = track(new Transport());
    expect(await send(t, origin)).toMatchObject({ ok: false, kind: 'refused' });
  });

  it('names a server that never answers as a timeout', async () => {
    const server = track(await rawServer(() => {}));
    const t = track(new Transport({ timeoutMs: 150 }));
    expect(await send(t, server.origin)).toMatchObject({ ok: false, kind: 'timeout' });
  });

  it('counts bytes and can discard large bodies', async () => {
    const server = track(await httpServer((_q, res) => res.end(Buffer.alloc(1_000_000))));
    const t = track(new Transport());
    return new Promise<void>((done) =>
      t.send({ origin: server.origin, method: 'GET', path: '/big', discardBody: true }, (r) => {
        expect(r.ok && r.body.length).toBe(0);
        expect(r.ok && r.bytesIn).toBeGreaterThan(1_000_000);
        done();
      }),
    );
  });

  it('aborts in-flight requests on demand, as the drain deadline does', async () => {
    const server = track(await rawServer(() => {}));
    const t = track(new Transport());
    const pending = send(t, server.origin);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.inFlight).toBe(1);
    t.abortAll();
    expect(await pending).toMatchObject({ ok: false, kind: 'aborted' });
  });

  describe('HTTPS', () => {
    let server: TestServer;
    let ca: string;
    it('trusts a CA given explicitly, rejects an unknown one as tls, and allows explicit insecure', async () => {
      const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
        keySize: 2048,
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
      });
      ca = pems.cert;
      server = track(await httpsServer((_q, res) => res.end('secure'), pems.private, pems.cert));
      expect(text(await send(track(new Transport({ ca })), server.origin))).toBe('secure');
      expect(await send(track(new Transport()), server.origin)).toMatchObject({ ok: false, kind: 'tls' });
      expect(text(await send(track(new Transport({ insecure: true })), server.origin))).toBe('secure');
    });
  });
});

describe('reply error kinds', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('names WSUS faults by ErrorCode, WCF faults, and status classes', () => {
    const wsus =
      '<s:Envelope><s:Body><s:Fault><faultcode>s:Server</faultcode><detail><ErrorCode>CookieExpired</ErrorCode>' +
      '<Message/></detail></s:Fault></s:Body></s:Envelope>';
    expect(replyErrorKind(500, enc(wsus))).toBe('soap:CookieExpired');
    expect(replyErrorKind(500, enc('<s:Fault><faultcode>a:InternalServiceFault</faultcode></s:Fault>'))).toBe(
      'soap:(no ErrorCode)',
    );
    expect(replyErrorKind(503, enc('Service Unavailable'))).toBe('http-5xx');
    expect(replyErrorKind(404, enc(''))).toBe('http-4xx');
    expect(replyErrorKind(200, enc(wsus))).toBeUndefined();
    expect(replyErrorKind(206, enc(''))).toBeUndefined();
  });

  it('reads odd-case and misspelt Content-Type parameters', () => {
    expect(parseMediaType('text/xml;charset=utf8')).toEqual({ type: 'text/xml', charset: 'utf-8' });
    expect(parseMediaType('Text/Xml; Char-Set=UTF-8')).toEqual({ type: 'text/xml', charset: 'utf-8' });
    expect(parseMediaType(undefined)).toEqual({ type: '' });
  });
});
