// Hostile client input over real sockets gets a 4xx, never a 5xx or a dropped connection: CCM_POST
// garbage (a payload that does not inflate, text that is no UTF-16) is a 400, and a body over the limit is
// answered 413 that the client actually reads, even while it is still writing (SUP and MP alike).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { type SiteProcess, startSiteProcess } from '../../harness/run/site-process.ts';
import {
  buildCcmPost,
  buildRequestAssignments,
  CCM_REQUEST_PATH,
  MpEndpoint,
  targetAddressFor,
} from '../../protocol/mp/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';

const LIMIT = 1024 * 1024;

describe('hostile input to the site', () => {
  let site: RunningSite;
  let http: HttpClient;

  beforeAll(async () => {
    site = await startLocalSite({ catalog: { leafUpdates: 12 }, maxRequestBytes: LIMIT });
    http = new HttpClient({ timeoutMs: 30_000, connections: 4 });
  });
  afterAll(async () => {
    await http.close();
    await site.stop();
  });

  const body = buildRequestAssignments({
    clientId: 'GUID:AAAAAAAA-0000-4000-8000-000000000001',
    fqdn: 'pc1.lab.test',
    netbiosName: 'PC1',
    siteCode: 'PS1',
    resourceType: 'Machine',
    requestType: 'Always',
    ack: false,
  });
  const good = buildCcmPost({
    header: {
      id: '{11111111-2222-3333-4444-555555555555}',
      sourceId: 'GUID:AAAAAAAA-0000-4000-8000-000000000001',
      sourceHost: 'PC1',
      targetAddress: targetAddressFor(MpEndpoint.PolicyManager),
      targetEndpoint: MpEndpoint.PolicyManager,
      targetHost: 'localhost',
      sentTime: '2025-01-14T18:00:00Z',
      replyCompression: 'zlib',
    },
    body,
    compress: true,
  });
  const bytes = Buffer.from(good.body);
  const text = bytes.toString('latin1');
  const payloadStart =
    text.indexOf('application/octet-stream\r\n\r\n') + 'application/octet-stream\r\n\r\n'.length;
  const payloadEnd = text.indexOf('\r\n--', payloadStart);
  /** The same message with another compressed payload. */
  const withPayload = (payload: Buffer): Buffer =>
    Buffer.concat([bytes.subarray(0, payloadStart), payload, bytes.subarray(payloadEnd)]);
  const ccmPost = (b: Buffer) =>
    http.send('CCM_POST', `${site.urls.mpHttp}${CCM_REQUEST_PATH}`, { 'content-type': good.contentType }, b);

  it('answers CCM_POST garbage 400, counted by reason, and keeps serving', async () => {
    expect((await ccmPost(bytes)).status).toBe(200);
    const garbageZlib = Buffer.from(bytes);
    garbageZlib.fill(0x41, payloadStart, payloadStart + 16);
    expect((await ccmPost(garbageZlib)).status).toBe(400);
    // UTF-16LE with a high surrogate that no low one follows.
    const utf16 = Buffer.from(body, 'utf16le');
    const lone = Buffer.concat([utf16.subarray(0, 2), Buffer.from([0x00, 0xd8]), utf16.subarray(2)]);
    expect((await ccmPost(withPayload(deflateSync(lone)))).status).toBe(400);
    // UTF-8 where UTF-16 belongs: code units that make no XML document.
    expect((await ccmPost(withPayload(deflateSync(Buffer.from(body, 'utf8'))))).status).toBe(400);
    expect((await ccmPost(bytes)).status).toBe(200);
    const refused = site.mp.snapshot().refused;
    expect(refused).toMatchObject({ zlib: 1, encoding: 1, 'payload-malformed': 1 });
    const mp = site.stats.snapshot().frontEnds.mp?.operations;
    const fiveHundreds = Object.values(mp ?? {}).reduce((n, op) => n + op.status['5xx'], 0);
    expect(fiveHundreds).toBe(0);
  });
});

// The site in its own process, as `patchstorm run` and operators run it: in one process the client and
// the site share an event loop and the race below never shows. 64 MiB against the 32 MiB default limit.
describe('an oversized POST, the site in another process', () => {
  let site: SiteProcess;
  let certDir: string;
  let http: HttpClient;

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'patchstorm-hostile-'));
    site = await startSiteProcess({ seed: 1, leafUpdates: 5, tls: { certDir } });
    http = new HttpClient({ timeoutMs: 60_000, connections: 2 });
  }, 90_000);
  afterAll(async () => {
    await http?.close();
    await site?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  it.each([
    ['SUP', 'POST', () => `${site.urls.supHttp}/ClientWebService/client.asmx`],
    ['MP', 'CCM_POST', () => `${site.urls.mpHttp}${CCM_REQUEST_PATH}`],
  ])(
    'answers the %s 413, and a client still writing its body reads it',
    async (_, method, url) => {
      const huge = Buffer.alloc(64 * 1024 * 1024, 0x41);
      for (let i = 0; i < 4; i++) {
        const res = await http.send(method, url(), { 'content-type': 'text/xml' }, huge);
        expect(res.status).toBe(413);
        expect(res.headers.connection).toBe('close');
      }
    },
    60_000,
  );
});
