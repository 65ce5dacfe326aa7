// MpClient against the reference MP over sockets: every operation round-trips, the registration (the client
// layer's RegisterExchange as an await loop) is really signed by the certificate it carries, a refused post
// surfaces as MpReplyError, and a 200 reply the exchange cannot use as MpUnusableReplyError with its kind.
import { createVerify, X509Certificate } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { MpClient, MpReplyError, MpUnusableReplyError } from '../../harness/driver/mp-client.ts';
import {
  buildClientRegistrationData,
  parseCcmPost,
  parseClientRegistrationRequest,
} from '../../protocol/mp/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';
import type { SiteRequest } from '../../site/types.ts';

let site: RunningSite;
let http: HttpClient;

beforeAll(async () => {
  site = await startLocalSite({
    catalog: { seed: 9, leafUpdates: 8 },
    processor: { backlogRejectThreshold: 5 },
  });
  http = new HttpClient({ caFile: site.caFile });
});
afterAll(async () => {
  await http?.close();
  await site?.stop();
});

const machine = { netbiosName: 'PC7', fqdn: 'pc7.lab.test' };

describe('MpClient', () => {
  it('registers with a signature that verifies against the certificate it sends', async () => {
    // Capture what reaches the MP by wrapping its handler for one request.
    const mp = site.mp;
    const original = mp.handle.bind(mp);
    let seen: SiteRequest | undefined;
    mp.handle = (req) => {
      seen = req;
      return original(req);
    };
    try {
      const client = new MpClient(http, { mpUrl: site.urls.mpHttps, siteCode: 'PS1', machine });
      const reply = await client.register();
      expect(client.smsId).toBe(reply.smsId);
    } finally {
      mp.handle = original;
    }
    const post = parseCcmPost(String(seen!.headers['content-type']), seen!.body);
    const request = parseClientRegistrationRequest(post.body);
    const cert = new X509Certificate(Buffer.from(request.certificates.signing, 'hex'));
    const signature = Buffer.from(request.signatureValue, 'hex').reverse();
    const data = Buffer.from(buildClientRegistrationData(request), 'utf16le');
    expect(createVerify('sha256').update(data).verify(cert.publicKey, signature)).toBe(true);
  });

  it('round-trips policy, both locations and a state report, counting each operation', async () => {
    const client = new MpClient(http, { mpUrl: site.urls.mpHttp, siteCode: 'PS1', machine });
    expect((await client.mpKeyInformation()).siteCode).toBe('PS1');
    await expect(client.requestAssignments()).rejects.toThrow(/register\(\) first/);
    await client.register();
    const { assignments } = await client.requestAssignments();
    const bodies = await Promise.all(assignments.map((a) => client.getPolicyBody(a)));
    expect(bodies.map((b) => b.kind)).toEqual(['sum-settings', 'update-source']);
    const { catalog } = site.model;
    expect((await client.wsusLocation(catalog.updateSourceId, catalog.version)).records).toHaveLength(2);
    expect((await client.wsusLocation(catalog.updateSourceId, catalog.version + 1)).records).toEqual([]);
    const file = catalog.updates.find((u) => u.files.length > 0)!.files[0]!;
    expect((await client.contentLocation(file.contentId)).records[0]!.url).toContain(file.contentId);
    await client.postStateMessages({ clientId: client.smsId!, netbiosName: 'PC7', date: 0, messages: [] });
    expect(client.counters.PolicyBody?.requests).toBe(2);
    expect(client.counters.WsusLocation).toMatchObject({ requests: 2, failures: 0 });
    expect(client.counters.StateMessage?.bytesOut).toBeGreaterThan(0);
  });

  it('throws MpReplyError with the status when the MP refuses a post', async () => {
    site.model.violations.add('reject-when-backlogged');
    try {
      const client = new MpClient(http, {
        mpUrl: site.urls.mpHttp,
        siteCode: 'PS1',
        machine,
        smsId: 'GUID:X',
      });
      const messages = Array.from({ length: 10 }, (_, i) => ({
        serialNumber: i + 1,
        messageTime: 0,
        topicId: 'u',
        topicType: 500,
        topicIdType: 3,
        stateId: 2,
        params: [],
      }));
      await client.postStateMessages({ clientId: 'GUID:X', netbiosName: 'PC7', date: 0, messages });
      const err = await client
        .postStateMessages({ clientId: 'GUID:X', netbiosName: 'PC7', date: 0, messages })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MpReplyError);
      expect(err).toMatchObject({ operation: 'StateMessage', status: 503 });
      expect(client.counters.StateMessage).toMatchObject({ requests: 2, failures: 1 });
    } finally {
      site.model.violations.delete('reject-when-backlogged');
    }
  });

  it('throws MpUnusableReplyError naming the kind when a registration is answered 200 with no CCM message', async () => {
    // A raw socket server: node:http refuses the CCM_POST method before a handler sees it.
    const body = 'not a CCM message';
    const garbage = createServer((socket) => {
      socket.once('data', () =>
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        ),
      );
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    try {
      const { port } = garbage.address() as AddressInfo;
      const client = new MpClient(http, { mpUrl: `http://127.0.0.1:${port}`, siteCode: 'PS1', machine });
      const err = await client.register().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MpUnusableReplyError);
      expect(err).toMatchObject({ operation: 'Registration', kind: 'protocol' });
      expect(client.smsId).toBeUndefined();
      expect(client.counters.Registration).toMatchObject({ requests: 1, failures: 0 });
    } finally {
      await new Promise((r) => garbage.close(r));
    }
  });
});
