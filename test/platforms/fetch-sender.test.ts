// sendWithFetch against small loopback servers (port 0): a reply, the reply cap, the deadline, a refused
// connection and a reset connection each come back as the client layer's outcome or error kind; and the
// fetch platform's SHA-1, UTF-8 and zlib agree with the Node platform's; the Web Crypto signer's
// certificate and signatures verify with node:crypto.
import { createVerify, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientRequest } from '../../harness/client/index.ts';
import { createNodePlatform } from '../../harness/engine/node-platform.ts';
import { acceptCcmPost, originalMethod } from '../../site/custom-methods.ts';
import { createFetchPlatform } from '../../harness/platforms/fetch-platform.ts';
import { sendWithFetch } from '../../harness/platforms/fetch-sender.ts';
import { createWebRegistrationSigner } from '../../harness/platforms/web-signer.ts';

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, {
          'content-type': 'text/plain',
          'x-method': originalMethod(req.method, req.socket),
        });
        res.end(Buffer.concat(chunks));
      });
      return;
    }
    if (req.url === '/big') {
      res.writeHead(200);
      res.end(Buffer.alloc(8192, 1));
      return;
    }
    if (req.url === '/stall') return; // never answers
    if (req.url === '/reset') {
      req.socket.resetAndDestroy();
      return;
    }
    res.writeHead(404);
    res.end();
  });
  // fetch sends CCM_POST as it is; Node's HTTP parser would answer 400 to it without the site's rewrite.
  acceptCcmPost(server, 'connection');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const LIMITS = { timeoutMs: 5_000, maxReplyBytes: 4096 };
const request = (path: string, extra: Partial<ClientRequest> = {}): ClientRequest => ({
  operation: 'test',
  origin,
  method: 'GET',
  path,
  ...extra,
});

describe('sendWithFetch', () => {
  it('sends a custom method (CCM_POST) with its body and hands back the reply', async () => {
    const out = await sendWithFetch(
      request('/echo', { method: 'CCM_POST', body: () => new Uint8Array([1, 2, 3]) }),
      LIMITS,
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.reply.status).toBe(200);
    expect(out.reply.headers['x-method']).toBe('CCM_POST');
    expect([...out.reply.body]).toEqual([1, 2, 3]);
    expect(out.bytesOut).toBe(3);
  });

  it('names a body over the cap too-large, and counts a discarded one', async () => {
    const big = await sendWithFetch(request('/big'), LIMITS);
    expect(big).toMatchObject({ ok: false, kind: 'too-large' });
    const counted = await sendWithFetch(request('/big', { discardBody: true }), LIMITS);
    expect(counted).toMatchObject({ ok: true, reply: { status: 200 } });
  });

  it('names a missed deadline timeout, a closed port refused and a reset reset', async () => {
    expect(await sendWithFetch(request('/stall'), { ...LIMITS, timeoutMs: 300 })).toMatchObject({
      ok: false,
      kind: 'timeout',
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(
      await sendWithFetch({ ...request('/'), origin: `http://127.0.0.1:${port}` }, LIMITS),
    ).toMatchObject({ ok: false, kind: 'refused' });
    expect(await sendWithFetch(request('/reset'), LIMITS)).toMatchObject({ ok: false, kind: 'reset' });
  });
});

describe('the fetch platform', () => {
  it('agrees with the Node platform on SHA-1, UTF-8 (BOM kept, bad bytes as U+FFFD), URLs and zlib', () => {
    const web = createFetchPlatform();
    const node = createNodePlatform();
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
    const a = web.sha1();
    const b = node.sha1();
    a.update(bytes.subarray(0, 777));
    a.update(bytes.subarray(777));
    b.update(bytes);
    expect(a.hex()).toBe(b.hex());
    const text = new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0xff, 0x42]);
    expect(web.utf8Decode(text)).toBe(node.utf8Decode(text));
    expect(web.utf8Decode(text)).toBe('\uFEFFA\uFFFDB');
    expect(web.splitUrl('HTTP://MP.Test:80/a%20b?x=1')).toEqual(node.splitUrl('HTTP://MP.Test:80/a%20b?x=1'));
    expect([...node.inflate(web.deflate(bytes), 1 << 20)]).toEqual([...bytes]);
    expect([...web.inflate(node.deflate(bytes), 1 << 20)]).toEqual([...bytes]);
    expect(() => web.inflate(web.deflate(bytes), 1000)).toThrow(/exceeds/);
    expect(web.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('the Web Crypto registration signer', () => {
  it('makes an X.509 certificate whose key verifies its CryptoAPI-style signatures', async () => {
    const signer = await createWebRegistrationSigner();
    const cert = new X509Certificate(Buffer.from(signer.certHex, 'hex'));
    expect(cert.subject).toBe('CN=SMS');
    expect(cert.verify(cert.publicKey)).toBe(true);
    const text = '<Data><ClientName>PC1</ClientName></Data>';
    const signature = signer.sign(text);
    expect(signature).toMatch(/^[0-9A-F]{512}$/);
    // CryptoAPI byte order is reversed: back to big-endian for a standard verify.
    const standard = Buffer.from(signature, 'hex').reverse();
    expect(createVerify('sha256').update(Buffer.from(text, 'utf16le')).verify(cert.publicKey, standard)).toBe(
      true,
    );
    expect(
      createVerify('sha256')
        .update(Buffer.from(`${text} `, 'utf16le'))
        .verify(cert.publicKey, standard),
    ).toBe(false);
  });
});
