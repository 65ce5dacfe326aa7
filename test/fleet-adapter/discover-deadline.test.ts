// Issue 11 §2/§3: catalog discovery shares the transport's overall deadline and body cap. A SUP that drips
// one byte at a time used to hold discovery for ever (undici's body timeout restarts on every byte), and
// a huge reply was buffered whole (905 MB for a 200 MB reply).
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { rawServer, type TestServer } from '../engine/misbehaving-servers.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
function track<T extends { close(): Promise<void> }>(x: T): T {
  open.push(x);
  return x;
}

function dripSup(): Promise<TestServer> {
  return rawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n');
    const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write('<')), 50);
    socket.on('close', () => clearInterval(timer));
  });
}

function hugeSup(): Promise<TestServer> {
  const chunk = Buffer.alloc(256 * 1024, 'a');
  return rawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n');
    let sent = 0;
    const pump = () => {
      while (sent < 200 * 1024 * 1024 && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  });
}

describe('discovery under a hostile SUP', () => {
  it('a dripping SUP fails discovery with a timeout at the deadline instead of hanging', async () => {
    const sup = track(await dripSup());
    const http = track(new HttpClient({ timeoutMs: 800 }));
    const started = performance.now();
    const err = await discoverCatalogKnowledge({ supUrl: sup.origin, builds: [22631], http }).catch((e) => e);
    expect(String(err)).toMatch(/timeout/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('a 200 MB reply stops at the cap: too-large, and memory stays bounded', async () => {
    const sup = track(await hugeSup());
    const http = track(new HttpClient({ maxBodyBytes: 4 * 1024 * 1024 }));
    const before = process.memoryUsage.rss();
    const err = await discoverCatalogKnowledge({ supUrl: sup.origin, builds: [22631], http }).catch((e) => e);
    expect(String(err)).toMatch(/too-large/);
    expect(process.memoryUsage.rss() - before).toBeLessThan(150 * 1024 * 1024);
  });
});
