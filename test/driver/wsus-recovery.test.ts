// W-COOKIE: the scan client's recovery from every fault code, driven in-process against SUP front-ends
// (an HttpClient stand-in routes requests to whichever front-end the test points it at).
import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpResponse } from '../../harness/driver/http.ts';
import { WsusScanClient } from '../../harness/driver/wsus-client.ts';
import { buildInternalServiceFault } from '../../protocol/wsus/index.ts';
import { createSupFrontEnd } from '../../site/sup/index.ts';
import type { FrontEndHandler, SiteReply } from '../../site/types.ts';
import { makeSup, siteRequest, T0 } from '../site/sup-fixtures.ts';

class InProcessHttp {
  requests = 0;
  constructor(public target: FrontEndHandler) {}

  async send(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Uint8Array | string,
  ): Promise<HttpResponse> {
    this.requests += 1;
    const u = new URL(url);
    const payload = body === undefined ? '' : typeof body === 'string' ? body : Buffer.from(body);
    const reply: SiteReply = await this.target.handle(
      siteRequest(method, u.pathname + u.search, headers, payload),
    );
    const out = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body);
    const headersOut: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.headers ?? {})) headersOut[k] = String(v);
    return {
      status: reply.status,
      headers: headersOut,
      body: out,
      bytesOut: Buffer.byteLength(payload),
      bytesIn: out.length,
    };
  }

  async close(): Promise<void> {}
}

function setup(secret = Buffer.alloc(32, 7)) {
  const t = makeSup({ leafUpdates: 200 });
  const sup = createSupFrontEnd(t.model, { cookieSecret: secret });
  const http = new InProcessHttp(sup);
  const client = new WsusScanClient(http as unknown as HttpClient, {
    supUrl: 'http://sup.test.invalid:8530',
    computerName: 'PS-RECOVERY-01',
    osBuild: 22631,
    now: () => T0,
  });
  return { t, sup, http, client, secret };
}

describe('WsusScanClient fault recovery (W-COOKIE)', () => {
  it('CookieExpired, then ConfigChanged: new cookies, fresh config, the published updates arrive', async () => {
    const { t, client } = setup();
    expect((await client.coldScan()).ok).toBe(true);
    t.clock.advance(61 * 60_000);
    const added = t.catalog.publish(6, t.clock.now());
    const warm = await client.warmScan();
    expect(warm.ok, JSON.stringify(warm.failure)).toBe(true);
    expect(warm.recoveries).toEqual([
      'CookieExpired: GetAuthorizationCookie+GetCookie',
      'ConfigChanged: GetConfig+GetAuthorizationCookie+GetCookie',
    ]);
    expect(warm.operations.GetConfig?.requests).toBe(1);
    expect(warm.operations.GetCookie?.faults).toEqual({ ConfigChanged: 1 });
    const eligible = added.filter((u) => u.applicableBuilds.includes(22631)).map((u) => u.revisionId);
    expect([...warm.newUpdateIds].sort()).toEqual(eligible.sort());
  });

  it('InvalidCookie (a SUP with other keys): whole handshake, RefreshCache; it asks to register: register', async () => {
    const { t, http, client } = setup();
    await client.coldScan();
    const cacheBefore = client.cache;
    http.target = createSupFrontEnd(t.model, { cookieSecret: Buffer.alloc(32, 9) });
    const warm = await client.warmScan();
    expect(warm.ok, JSON.stringify(warm.failure)).toBe(true);
    // The fleet's rule (harness/fleet/wsus-recovery.ts), as the swarm: InvalidCookie redoes the handshake
    // and RefreshCache; this SUP lost the registration, so RefreshCache answers RegistrationRequired and
    // the repeat registers (the config of this unfinished scan is not kept: the handshake runs again).
    expect(warm.recoveries).toEqual([
      'InvalidCookie: GetConfig+GetAuthorizationCookie+GetCookie+RefreshCache',
      'RegistrationRequired: GetConfig+GetAuthorizationCookie+GetCookie+RegisterComputer+RefreshCache',
    ]);
    expect(warm.operations.RefreshCache?.requests).toBe(2);
    expect(warm.operations.RefreshCache?.faults).toEqual({ RegistrationRequired: 1 });
    expect(warm.operations.RegisterComputer?.requests).toBe(1);
    expect(warm.newUpdateIds).toEqual([]);
    expect(client.cache.otherCached.sort()).toEqual(cacheBefore.otherCached.sort());
  });

  it('RegistrationRequired (same keys, registration lost): RegisterComputer and repeat', async () => {
    const { t, http, client, secret } = setup();
    await client.coldScan();
    http.target = createSupFrontEnd(t.model, { cookieSecret: secret });
    const warm = await client.warmScan();
    expect(warm.ok, JSON.stringify(warm.failure)).toBe(true);
    expect(warm.recoveries).toEqual(['RegistrationRequired: RegisterComputer']);
    expect(warm.operations.SyncUpdates?.faults).toEqual({ RegistrationRequired: 1 });
  });

  it('ServerBusy, InternalServerError and HTTP 503 end the scan as retry-later', async () => {
    const { sup, http, client } = setup();
    await client.coldScan();
    http.target = {
      ...sup,
      handle: (req) =>
        sup.operationOf(req) === 'SyncUpdates' ? sup.busyReply('SyncUpdates') : sup.handle(req),
    };
    const busy = await client.warmScan();
    expect(busy.ok).toBe(false);
    expect(busy.failure).toMatchObject({
      kind: 'retry-later',
      operation: 'SyncUpdates',
      errorCode: 'ServerBusy',
    });

    http.target = {
      ...sup,
      handle: (req) =>
        sup.operationOf(req) === 'SyncUpdates'
          ? sup.handle({ ...req, body: Buffer.from('<s:Envelope') })
          : sup.handle(req),
    };
    const broken = await client.warmScan();
    expect(broken.failure).toMatchObject({ kind: 'retry-later', errorCode: 'InternalServerError' });

    // Issue 10 A.5: a fault without an ErrorCode has one name everywhere, never a made-up WSUS code.
    http.target = {
      ...sup,
      handle: (req) =>
        sup.operationOf(req) === 'SyncUpdates'
          ? { status: 500, headers: { 'content-type': 'text/xml' }, body: buildInternalServiceFault() }
          : sup.handle(req),
    };
    const before = client.counters.SyncUpdates?.faults['(no ErrorCode)'] ?? 0;
    const wcf = await client.warmScan();
    expect(wcf.failure).toMatchObject({ kind: 'retry-later', errorCode: '(no ErrorCode)' });
    expect(wcf.failure?.message).toContain('HTTP 500');
    expect(wcf.failure?.message).toContain('InternalServiceFault');
    expect(client.counters.SyncUpdates?.faults['(no ErrorCode)']).toBe(before + 1);
    expect(JSON.stringify(client.counters)).not.toContain('Unknown');

    http.target = {
      ...sup,
      handle: () => ({
        status: 503,
        headers: { 'content-type': 'text/html' },
        body: '<HTML>Service Unavailable</HTML>',
      }),
    };
    const down = await client.warmScan();
    expect(down.failure).toMatchObject({ kind: 'retry-later', status: 503 });

    http.target = sup;
    expect((await client.warmScan()).ok).toBe(true);
  });

  it('stops paging when a server ignores the cache, and shows it', async () => {
    const { t, client } = setup();
    await client.coldScan();
    t.model.violations.add('full-resync-every-scan');
    const warm = await client.warmScan();
    expect(warm.ok).toBe(true);
    // As the swarm's scan exchange: the re-offered cached categories and detectoids count as new
    // prerequisites in the first round (it compares only software updates with the cache the scan began
    // with); the second round offers nothing unseen and ends the pass.
    expect(warm.syncPages).toBe(2);
    expect(warm.repeatedUpdateIds.length).toBeGreaterThan(0);
  });
});
