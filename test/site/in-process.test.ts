// handleSiteRequest: the site answered without a socket decides as its listeners do (site/dispatch.ts):
// the shell's own answers (invalid Host, unknown path, WSUS content over HTTPS, a body over the limit, a
// full queue), a front-end's reply with HEAD semantics, and injected faults (busy, reset, delay, stall).
import { afterEach, describe, expect, it } from 'vitest';
import {
  createInProcessSite,
  handleSiteRequest,
  type InProcessSite,
  SiteConnectionDropped,
} from '../../site/in-process.ts';

const T0 = Date.parse('2026-10-01T08:00:00Z');
let site: InProcessSite | undefined;
afterEach(async () => {
  await site?.stop();
  site = undefined;
});

const open = (options: Parameters<typeof createInProcessSite>[0] = {}): InProcessSite => {
  site = createInProcessSite({
    clock: { mode: 'manual', start: T0 },
    catalog: { seed: 7, leafUpdates: 20, builds: [22631] },
    ...options,
  });
  return site;
};
const text = (body: Uint8Array): string => new TextDecoder().decode(body);

describe('handleSiteRequest', () => {
  it("gives the shell's own answers and counts them as the listeners do", async () => {
    const s = open({ maxRequestBytes: 1024 });
    const badHost = await handleSiteRequest(s, 'mp', {
      method: 'GET',
      url: 'http://mp.test/SMS_MP/.sms_aut?MPLIST',
      headers: { Host: 'bad host!' },
    });
    expect(badHost.status).toBe(400);
    expect(badHost.headers.connection).toBe('close');
    expect((await handleSiteRequest(s, 'mp', { method: 'GET', url: 'http://mp.test/nowhere' })).status).toBe(
      404,
    );
    const content = await handleSiteRequest(s, 'sup', {
      method: 'GET',
      url: 'https://sup.test:8531/Content/x',
    });
    expect(content.status).toBe(404);
    expect(text(content.body)).toMatch(/HTTP content port only/);
    const big = await handleSiteRequest(s, 'sup', {
      method: 'POST',
      url: 'http://sup.test:8530/ClientWebService/client.asmx',
      body: new Uint8Array(2048),
    });
    expect(big.status).toBe(413);
    expect(s.stats.counters('unrouted', 'InvalidHostname').requests).toBe(1);
    expect(s.stats.counters('unrouted', 'UnknownPath').requests).toBe(1);
    expect(s.stats.counters('sup', 'Content').status['4xx']).toBe(1);
  });

  it('answers a front-end request, HEAD with the length and no body', async () => {
    const s = open();
    const mplist = await handleSiteRequest(s, 'mp', {
      method: 'GET',
      url: 'http://mp.test/SMS_MP/.sms_aut?MPLIST',
    });
    expect(mplist.status).toBe(200);
    expect(text(mplist.body)).toMatch(/<MPList>/i);
    expect(Number(mplist.headers['content-length'])).toBe(mplist.body.length);
    const head = await handleSiteRequest(s, 'mp', {
      method: 'HEAD',
      url: 'http://mp.test/SMS_MP/.sms_aut?MPLIST',
    });
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(mplist.headers['content-length']);
    expect(s.stats.counters('mp', 'MPLIST').requests).toBe(2);
  });

  it('injects faults: busy, reset, delay, and a stall held until the caller gives up', async () => {
    const s = open();
    const url = 'http://mp.test/SMS_MP/.sms_aut?MPLIST';
    s.faults.configure({ rules: [{ frontEnd: 'mp', operation: 'MPLIST', serverBusyRate: 1 }] });
    expect((await handleSiteRequest(s, 'mp', { method: 'GET', url })).status).toBe(503);
    s.faults.configure({ rules: [{ frontEnd: 'mp', operation: 'MPLIST', resetRate: 1 }] });
    await expect(handleSiteRequest(s, 'mp', { method: 'GET', url })).rejects.toBeInstanceOf(
      SiteConnectionDropped,
    );
    s.faults.configure({ rules: [{ frontEnd: 'mp', operation: 'MPLIST', latencyMs: 150 }] });
    const started = performance.now();
    expect((await handleSiteRequest(s, 'mp', { method: 'GET', url })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    s.faults.configure({ rules: [{ frontEnd: 'mp', operation: 'MPLIST', stallRate: 1 }] });
    await expect(
      handleSiteRequest(s, 'mp', { method: 'GET', url, signal: AbortSignal.timeout(100) }),
    ).rejects.toMatchObject({ reason: 'aborted' });
    const c = s.stats.counters('mp', 'MPLIST');
    expect(c.injected).toMatchObject({ busy: 1, reset: 1, delayed: 1, stall: 1 });
    // Every admitted request was released: the queue is empty again.
    expect(s.inFlight.snapshot().mp.inFlight).toBe(0);
  });
});
