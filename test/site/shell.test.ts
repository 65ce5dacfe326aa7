import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import type { RunningShell } from '../../site/shell.ts';
import { type Seen, startEchoShell } from './shell-fixtures.ts';

describe('site shell: routing, body limits, errors, counting', () => {
  let shell: RunningShell & { calls: Seen[]; ca: string };
  let http: HttpClient;

  beforeAll(async () => {
    shell = await startEchoShell();
    http = new HttpClient({ ca: shell.ca, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await http.close();
    await shell.stop();
  });

  const seenBy = async (res: Promise<{ status: number; body: Buffer }>): Promise<Seen> => {
    const r = await res;
    expect(r.status).toBe(200);
    return JSON.parse(r.body.toString()) as Seen;
  };

  it('reports the actual ports it got for port 0 and builds URLs from the bind address', () => {
    for (const p of Object.values(shell.ports)) expect(p).toBeGreaterThan(0);
    expect(new Set(Object.values(shell.ports)).size).toBe(4);
    expect(shell.urls.supHttp).toBe(`http://127.0.0.1:${shell.ports.supHttp}`);
    expect(shell.urls.supHttps).toBe(`https://127.0.0.1:${shell.ports.supHttps}`);
    expect(shell.urls.dp).toBe(shell.urls.mpHttp);
  });

  it('sends the WSUS web services and HTTP content of the SUP ports to the SUP front-end', async () => {
    const soap = await seenBy(
      http.send('POST', `${shell.urls.supHttp}/ClientWebService/client.asmx`, {}, '<x/>'),
    );
    expect(soap).toMatchObject({ frontEnd: 'sup', method: 'POST', bodyLength: 4, secure: false });
    expect(soap.port).toBe(shell.ports.supHttp);
    const auth = await seenBy(
      http.send('POST', `${shell.urls.supHttps}/SimpleAuthWebService/SimpleAuth.asmx`),
    );
    expect(auth).toMatchObject({ frontEnd: 'sup', secure: true, port: shell.ports.supHttps });
    const report = await seenBy(
      http.send('POST', `${shell.urls.supHttp}/REPORTINGWEBSERVICE/ReportingWebService.asmx`),
    );
    expect(report.frontEnd).toBe('sup');
    const content = await seenBy(
      http.send('GET', `${shell.urls.supHttp}/Content/3F/ABCDEF0123456789ABCDEF0123456789ABCDEF3F.cab`),
    );
    expect(content).toMatchObject({ frontEnd: 'sup', method: 'GET' });
  });

  it('refuses WSUS content on the HTTPS port with 404 without calling the SUP front-end', async () => {
    const before = shell.calls.length;
    const res = await http.send(
      'GET',
      `${shell.urls.supHttps}/Content/3F/ABCDEF0123456789ABCDEF0123456789ABCDEF3F.cab`,
    );
    expect(res.status).toBe(404);
    expect(res.body.toString()).toMatch(/HTTP content port only/);
    expect(shell.calls.length).toBe(before);
    expect(shell.stats.snapshot().frontEnds.sup?.operations.Content?.status['4xx']).toBe(1);
  });

  it('sends the DP virtual directories on the MP ports to the DP front-end, the rest to the MP', async () => {
    const dp = await seenBy(
      http.send('GET', `${shell.urls.mpHttp}/SMS_DP_SMSPKG$/fbb5724a-aa0f-47f9-908a-47068fd8ad6f/a.cab`),
    );
    expect(dp.frontEnd).toBe('dp');
    const nocert = await seenBy(http.send('GET', `${shell.urls.mpHttps}/NOCERT_SMS_DP_SMSPKG$/abc/a.cab`));
    expect(nocert).toMatchObject({ frontEnd: 'dp', secure: true });
    const encoded = await seenBy(http.send('GET', `${shell.urls.mpHttp}/sms_dp_smspkg%24/abc`));
    expect(encoded.frontEnd).toBe('dp');
    const mplist = await seenBy(http.send('GET', `${shell.urls.mpHttp}/SMS_MP/.sms_aut?MPLIST`));
    expect(mplist).toMatchObject({ frontEnd: 'mp', search: '?MPLIST' });
    const ccm = await seenBy(http.send('CCM_POST', `${shell.urls.mpHttps}/ccm_system/request`, {}, 'abc'));
    expect(ccm).toMatchObject({ frontEnd: 'mp', method: 'CCM_POST', bodyLength: 3 });
  });

  it('accepts CCM_POST (unknown to the Node parser) on MP listeners, repeatedly on one kept-alive socket', async () => {
    const one = new HttpClient({ ca: shell.ca, connections: 1, timeoutMs: 5000 });
    try {
      for (const url of [shell.urls.mpHttp, shell.urls.mpHttps]) {
        for (let i = 0; i < 3; i++) {
          const seen = await seenBy(one.send('CCM_POST', `${url}/ccm_system/request`, {}, `body ${i}`));
          expect(seen).toMatchObject({ method: 'CCM_POST', bodyLength: 6 });
        }
        // A known method on the same socket is still itself.
        expect((await seenBy(one.send('PROPFIND', `${url}/SMS_DP_SMSPKG$/abc`))).method).toBe('PROPFIND');
        expect((await seenBy(one.send('GET', `${url}/SMS_MP/.sms_aut?MPKEYINFORMATION`))).method).toBe('GET');
      }
    } finally {
      await one.close();
    }
  });

  it('answers unknown paths 404 on every listener and counts them as unrouted', async () => {
    for (const url of [shell.urls.supHttp, shell.urls.supHttps, shell.urls.mpHttp, shell.urls.mpHttps]) {
      expect((await http.send('GET', `${url}/nothing/here`)).status).toBe(404);
    }
    // The MP's paths are not the SUP's and vice versa.
    expect((await http.send('GET', `${shell.urls.supHttp}/SMS_MP/.sms_aut?MPLIST`)).status).toBe(404);
    expect((await http.send('POST', `${shell.urls.mpHttp}/ClientWebService/client.asmx`)).status).toBe(404);
    expect(shell.stats.snapshot().frontEnds.unrouted?.operations.UnknownPath?.requests).toBe(6);
  });

  it('answers a Host header that is no host name 400 like HTTP.sys, and a bad authority never crashes', async () => {
    // Written by hand: HTTP clients refuse to send such a Host header.
    const statusLine = (host: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(shell.ports.supHttp, '127.0.0.1', () => {
          socket.write(
            `POST /ClientWebService/client.asmx HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\n` +
              'Connection: close\r\n\r\n',
          );
        });
        let text = '';
        socket.on('data', (d: Buffer) => {
          text += d.toString('latin1');
        });
        socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
        socket.on('error', reject);
      });
    const before = shell.calls.length;
    expect(await statusLine('a b')).toBe('HTTP/1.1 400 Bad Request');
    expect(await statusLine('%zz')).toBe('HTTP/1.1 400 Bad Request');
    expect(shell.calls.length).toBe(before);
    expect(shell.stats.snapshot().frontEnds.unrouted?.operations.InvalidHostname?.requests).toBe(2);
    // A well-formed host with a port no URL accepts reaches the front-end on the listener's own origin.
    expect(await statusLine('sup.test:99999')).toBe('HTTP/1.1 200 OK');
    expect(shell.calls.at(-1)).toMatchObject({ frontEnd: 'sup', path: '/ClientWebService/client.asmx' });
  });

  it('refuses a declared body over the limit with 413 and never calls the front-end', async () => {
    const before = shell.calls.length;
    const res = await http.send(
      'POST',
      `${shell.urls.supHttp}/ClientWebService/client.asmx`,
      { 'x-op': 'SyncUpdates' },
      Buffer.alloc(64 * 1024 + 1),
    );
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(shell.calls.length).toBe(before);
    const exact = await seenBy(
      http.send('POST', `${shell.urls.supHttp}/ClientWebService/client.asmx`, {}, Buffer.alloc(64 * 1024)),
    );
    expect(exact.bodyLength).toBe(64 * 1024);
    expect(shell.stats.snapshot().frontEnds.sup?.operations.SyncUpdates?.tooLarge).toBe(1);
  });

  it('refuses a chunked body that grows over the limit with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: shell.ports.mpHttp, method: 'CCM_POST', path: '/ccm_system/request' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write(Buffer.alloc(8 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('turns a throwing or rejecting front-end into a 500, counts it and keeps serving', async () => {
    expect((await http.send('GET', `${shell.urls.mpHttp}/SMS_MP/throw`, { 'x-op': 'Boom' })).status).toBe(
      500,
    );
    expect((await http.send('GET', `${shell.urls.mpHttp}/SMS_MP/reject`, { 'x-op': 'Boom' })).status).toBe(
      500,
    );
    await seenBy(http.send('GET', `${shell.urls.mpHttp}/SMS_MP/.sms_aut?MPLIST`));
    const boom = shell.stats.snapshot().frontEnds.mp?.operations.Boom;
    expect(boom).toMatchObject({ requests: 2, errors: 2 });
    expect(boom?.status['5xx']).toBe(2);
  });

  it('counts SOAP faults by ErrorCode, bytes in and out, and honours close', async () => {
    const res = await http.send(
      'POST',
      `${shell.urls.supHttp}/ClientWebService/fault`,
      { 'x-op': 'GetCookie' },
      'hello',
    );
    expect(res.status).toBe(500);
    expect(res.headers.connection).toBe('close');
    const c = shell.stats.snapshot().frontEnds.sup?.operations.GetCookie;
    expect(c).toMatchObject({
      requests: 1,
      bytesIn: 5,
      bytesOut: '<fault/>'.length,
      faults: { CookieExpired: 1 },
    });
  });

  it('keeps the front-end content-length of a HEAD reply and sends no body', async () => {
    const res = await http.send('HEAD', `${shell.urls.mpHttp}/SMS_DP_SMSPKG$/abc/a.cab`, {
      'x-op': 'DP.HEAD',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('12345');
    expect(res.body.length).toBe(0);
    expect(shell.stats.snapshot().frontEnds.dp?.operations['DP.HEAD']?.bytesOut).toBe(0);
  });

  it('keeps connections alive between requests', async () => {
    const res = await http.send('GET', `${shell.urls.mpHttp}/SMS_MP/.sms_aut?MPLIST`);
    expect(res.headers.connection).toBe('keep-alive');
  });
});

describe('site shell: lifecycle', () => {
  it('stops promptly with idle keep-alive connections open and frees its ports', async () => {
    const shell = await startEchoShell();
    const http = new HttpClient({ ca: shell.ca, timeoutMs: 5000 });
    await http.send('GET', `${shell.urls.supHttps}/ClientWebService/client.asmx`);
    await http.send('GET', `${shell.urls.mpHttp}/SMS_MP/x`);
    const t0 = performance.now();
    await shell.stop();
    expect(performance.now() - t0).toBeLessThan(2000);
    await expect(http.send('GET', `${shell.urls.mpHttp}/SMS_MP/x`)).rejects.toMatchObject({
      kind: 'refused',
    });
    await http.close();
  });

  it('fails to start with a message naming the listener when a port is taken', async () => {
    const first = await startEchoShell();
    await expect(
      startEchoShell({ ports: { supHttp: 0, supHttps: 0, mpHttp: first.ports.mpHttp, mpHttps: 0 } }),
    ).rejects.toThrow(
      new RegExp(`cannot listen for mpHttp on 127.0.0.1:${first.ports.mpHttp}: the port is in use`),
    );
    await first.stop();
  });
});
