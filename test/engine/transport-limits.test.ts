// Issue 11 §2/§3 and issue 10 A.1 at the transport level: an overall deadline a byte-a-second drip cannot
// hold open, bodies capped while streaming and a buffer budget over all requests in flight, replies cut
// short named `truncated`, and the driver (discovery, conformance, tests) sharing the swarm's retry
// policy against a server that closes after every reply without `Connection: close`.
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, HttpFailure } from '../../harness/driver/http.ts';
import { retryAfterMs, retryOnFreshSocket } from '../../harness/engine/retry-policy.ts';
import { Transport, type TransportResult } from '../../harness/engine/transport.ts';
import { rawServer, type TestServer } from './misbehaving-servers.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
function track<T extends { close(): Promise<void> }>(x: T): T {
  open.push(x);
  return x;
}
function send(t: Transport, origin: string, discardBody = false): Promise<TransportResult> {
  return new Promise((resolve) => t.send({ origin, method: 'GET', path: '/', discardBody }, resolve));
}

/** Answers 200 with a Content-Length of `size` and then one byte every `everyMs`. */
function dripServer(size: number, everyMs: number): Promise<TestServer> {
  return rawServer((socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
    const timer = setInterval(() => {
      if (socket.destroyed) clearInterval(timer);
      else socket.write('x');
    }, everyMs);
    socket.on('close', () => clearInterval(timer));
  });
}

/** Streams `size` bytes of body in 64 KiB chunks, with or without a Content-Length. */
function hugeServer(size: number, withLength: boolean): Promise<TestServer> {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return rawServer((socket) => {
    socket.write(
      `HTTP/1.1 200 OK\r\n${withLength ? `Content-Length: ${size}\r\n` : 'Connection: close\r\n'}\r\n`,
    );
    let sent = 0;
    const pump = () => {
      while (sent < size && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      if (!withLength) socket.end();
    };
    pump();
  });
}

describe('deadlines', () => {
  it('a reply dripping a byte every 50 ms fails as timeout at the overall deadline, not never', async () => {
    const server = track(await dripServer(1000, 50));
    const t = track(new Transport({ timeoutMs: 600 }));
    const started = performance.now();
    const r = await send(t, server.origin);
    const took = performance.now() - started;
    expect(r).toMatchObject({ ok: false, kind: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(5000);
  });

  it('the driver shares it: a stall after the headers is a timeout HttpFailure', async () => {
    const server = track(await rawServer((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab')));
    const http = track(new HttpClient({ timeoutMs: 400 }));
    await expect(http.send('GET', `${server.origin}/`)).rejects.toMatchObject({ kind: 'timeout' });
  });
});

describe('memory bound', () => {
  it('stops reading a body at the per-reply cap (with and without Content-Length): too-large', async () => {
    for (const withLength of [true, false]) {
      const server = track(await hugeServer(64 * 1024 * 1024, withLength));
      const t = track(new Transport({ maxBodyBytes: 1024 * 1024 }));
      const r = await send(t, server.origin);
      expect(r, `withLength ${withLength}`).toMatchObject({ ok: false, kind: 'too-large' });
      expect(t.bufferedBytes).toBe(0);
    }
  });

  it('bounds the bytes held over all requests in flight; a discarded body is not held', async () => {
    const server = track(await hugeServer(3 * 1024 * 1024, true));
    const t = track(new Transport({ maxBodyBytes: 4 * 1024 * 1024, maxBufferedBytes: 4 * 1024 * 1024 }));
    const results = await Promise.all([
      send(t, server.origin),
      send(t, server.origin),
      send(t, server.origin),
    ]);
    const kinds = results.map((r) => (r.ok ? 'ok' : r.kind)).sort();
    // 9 MiB asked for, 4 MiB allowed: at least two of three cannot be held.
    expect(kinds.filter((k) => k === 'too-large').length).toBeGreaterThanOrEqual(2);
    expect(kinds.every((k) => k === 'ok' || k === 'too-large')).toBe(true);
    expect(t.bufferedBytes).toBe(0);
    expect(await send(t, server.origin, true)).toMatchObject({ ok: true, status: 200 });
  });

  it('the driver caps bodies too (discovery buffered 905 MB for a 200 MB reply)', async () => {
    const server = track(await hugeServer(32 * 1024 * 1024, false));
    const http = track(new HttpClient({ maxBodyBytes: 1024 * 1024 }));
    const err = await http.send('GET', `${server.origin}/`).catch((e) => e);
    expect(err).toBeInstanceOf(HttpFailure);
    expect(err.kind).toBe('too-large');
  });
});

describe('replies cut short', () => {
  it('names a body shorter than its Content-Length, and a reset mid-body, truncated', async () => {
    const short = track(
      await rawServer((s) => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc');
        setTimeout(() => s.end(), 20);
      }),
    );
    const reset = track(
      await rawServer((s) => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc');
        setTimeout(() => s.resetAndDestroy(), 20);
      }),
    );
    const t = track(new Transport());
    expect(await send(t, short.origin)).toMatchObject({ ok: false, kind: 'truncated' });
    expect(await send(t, reset.origin)).toMatchObject({ ok: false, kind: 'truncated' });
  });
});

describe('one retry policy (issue 10 A.1)', () => {
  it('the driver survives a server that closes the socket after every reply without Connection: close', async () => {
    // Answers each socket's first request keep-alive style (no Connection: close), then resets the
    // socket when the next request arrives on it: the Python WSUS of issue 10, caught in the race
    // where the client already reused the socket. The driver used to fail on the second request.
    let requests = 0;
    const server = track(
      await rawServer((s, index) => {
        requests++;
        if (index === 0) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        else s.resetAndDestroy();
      }),
    );
    const http = track(new HttpClient({ connections: 1 }));
    for (let i = 0; i < 4; i++) {
      const res = await http.send('POST', `${server.origin}/ClientWebService/client.asmx`, {}, '<a/>');
      expect(res.body.toString(), `request ${i + 1}`).toBe('ok');
    }
    expect(server.connections()).toBe(4);
    expect(requests).toBe(6); // 4 answered, 2 resets on a reused socket, each retried once
  });

  it('retries a reset only before any reply byte, on a reused socket, once', () => {
    const base = { kind: 'reset' as const, replyStarted: false, socketReused: true, retries: 0 };
    expect(retryOnFreshSocket(base)).toBe(true);
    expect(retryOnFreshSocket({ ...base, retries: 1 })).toBe(false);
    expect(retryOnFreshSocket({ ...base, socketReused: false })).toBe(false);
    expect(retryOnFreshSocket({ ...base, replyStarted: true })).toBe(false);
    expect(retryOnFreshSocket({ ...base, kind: 'timeout' })).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('2026-10-21T07:28:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
