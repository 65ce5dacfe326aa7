// The client layer on the fetch platform, two ways: (1) against `patchstorm/msw` (the reference site as
// msw handlers, intercepting fetch in this process, no socket), a cold scan, a warm scan after a forced
// scan cycle and the state-message posts of a small fresh fleet, checked against what the site saw (and
// a DP HEAD, a range and a CCM_POST with plain fetch through the same handlers); (2) against the real
// reference site over loopback, the same seeded slice sends the same requests per operation over fetch
// as the in-process loop does on the Node platform.
import { Server } from 'node:http';
import net from 'node:net';
import { setupServer } from 'msw/node';
import { afterAll, describe, expect, it } from 'vitest';
import { type FleetBehaviourOptions, FleetBehaviour } from '../../harness/client/index.ts';
import { MAX_REPLY_BYTES, REQUEST_TIMEOUT_MS } from '../../harness/engine/http-limits.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import { runClientsOverFetch } from '../../harness/platforms/fetch-loop.ts';
import { createFetchPlatform } from '../../harness/platforms/fetch-platform.ts';
import { createWebRegistrationSigner } from '../../harness/platforms/web-signer.ts';
// Through the package export, as a ConfigMgr tool's tests import it.
import { createSiteHandlers } from 'patchstorm/msw';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from '../fleet-adapter/behaviour-loop.ts';
import { EMPTY_KNOWLEDGE, startTestSite, T0 } from '../fleet-adapter/site.ts';

const MIN = 60_000;
const CLIENTS = 3;
const SEED = 4;
const LIMITS = { timeoutMs: REQUEST_TIMEOUT_MS.default, maxReplyBytes: MAX_REPLY_BYTES.default };
/** The catalog of the fleet-adapter tests' site: small, so a cold scan is quick. */
const CATALOG = { seed: 7, leafUpdates: 120, builds: [22631, 19045] };

function fleetOptions(mp: string, sup: string, forcedScanAt?: number): FleetBehaviourOptions {
  return {
    fleet: {
      start: 'fresh',
      rolloutRampMs: 2 * MIN,
      machines: [
        { name: 'win11', build: 22631, weight: 1, installedFraction: 0.5 },
        { name: 'win10', build: 19045, weight: 1, installedFraction: 0.5 },
      ],
      timers: { firstScanWindowMs: 5 * MIN },
    },
    targets: { mp, sups: [sup], siteCode: 'PS1' },
    knowledge: EMPTY_KNOWLEDGE,
    ...(forcedScanAt === undefined ? {} : { events: { forcedScans: [{ at: forcedScanAt }] } }),
  };
}

function perOperation(sent: readonly { operation: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sent) out[s.operation] = (out[s.operation] ?? 0) + 1;
  return out;
}

const cleanups: (() => unknown)[] = [];
let connects = 0;
let listens = 0;
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

describe('the fetch platform against patchstorm/msw (no sockets)', () => {
  it('runs a cold scan, a warm scan and state-message posts, and the site saw them', async () => {
    // Every TCP/TLS connection and every listen in this process goes through these two (the loopback
    // test below shows the count sees fetch's connections).
    const connect = net.Socket.prototype.connect;
    const listen = Server.prototype.listen;
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      connects++;
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof connect;
    Server.prototype.listen = function (this: Server, ...args: unknown[]) {
      listens++;
      return (listen as (...a: unknown[]) => Server).apply(this, args);
    } as typeof listen;
    cleanups.push(() => {
      net.Socket.prototype.connect = connect;
      Server.prototype.listen = listen;
    });

    // Web pieces only on the client side: the fetch platform and the Web Crypto signer.
    const signer = await createWebRegistrationSigner();
    const { handlers, site, origins, close } = createSiteHandlers({
      clock: { mode: 'manual', start: T0 },
      catalog: CATALOG,
    });
    cleanups.push(close);
    const server = setupServer(...handlers);
    server.listen({ onUnhandledRequest: 'error' });
    cleanups.push(() => server.close());

    const warmAt = T0 + 30 * MIN;
    const behaviour = new FleetBehaviour(
      shardContext(CLIENTS, SEED, T0),
      fleetOptions(origins.mp, origins.sup, warmAt),
      signer,
      createFetchPlatform(),
    );
    const clock = site.model.clock;
    const sent = await runClientsOverFetch({
      behaviour,
      clients: CLIENTS,
      start: T0,
      until: warmAt + 20 * MIN,
      limits: LIMITS,
      // The site's manual clock follows the clients' virtual time (cookies, LastChange, the processor).
      onAdvance: (now) => {
        if (now > clock.now()) clock.advance(now - clock.now());
      },
    });
    expect(sent.filter((s) => typeof s.status !== 'number' || s.status >= 400 || s.unusable)).toEqual([]);

    // Cold: registration, policy, location, the first scan (the whole catalog, paged), report events and
    // state messages.
    const cold = perOperation(sent.filter((s) => s.at < warmAt));
    // Warm: the forced scan cycle at warmAt; the clients know the catalog now.
    const warm = perOperation(sent.filter((s) => s.at >= warmAt));
    console.log(`per operation, cold: ${JSON.stringify(cold)}; warm: ${JSON.stringify(warm)}`);
    expect(cold['mp.registration']).toBe(CLIENTS);
    expect(cold['wsus.ReportEventBatch']).toBe(CLIENTS);
    expect(cold['wsus.SyncUpdates']).toBeGreaterThan(CLIENTS * 2);
    expect(cold['mp.statemsg']).toBeGreaterThanOrEqual(CLIENTS);
    expect(warm['mp.registration']).toBeUndefined();
    expect(warm['wsus.SyncUpdates']).toBeGreaterThanOrEqual(CLIENTS);
    expect(warm['wsus.SyncUpdates']).toBeLessThan(cold['wsus.SyncUpdates']!);
    expect(warm['wsus.GetExtendedUpdateInfo'] ?? 0).toBeLessThan(cold['wsus.GetExtendedUpdateInfo']!);

    // What the site saw, from its own counters and state.
    const all = perOperation(sent);
    const seen = (frontEnd: string, operation: string): number =>
      site.stats.counters(frontEnd, operation).requests;
    expect(site.mp.snapshot().registrations).toBe(CLIENTS);
    expect(seen('sup', 'SyncUpdates')).toBe(all['wsus.SyncUpdates']);
    expect(seen('sup', 'GetCookie')).toBe(all['wsus.GetCookie']);
    expect(site.sup.snapshot().eventsReported).toBeGreaterThan(0);
    expect(site.sup.snapshot().cookiesIssued).toBeGreaterThanOrEqual(CLIENTS);
    site.mp.states.processor.catchUp();
    const backlog = site.mp.backlog();
    expect(backlog.acceptedReports).toBe(all['mp.statemsg']);
    expect(backlog.accepted).toBeGreaterThan(0);
    expect(backlog.processed).toBe(backlog.accepted);
    expect(site.mp.compliance().knownClients).toBe(CLIENTS);

    // No socket: nothing listened, nothing connected.
    expect(listens).toBe(0);
    expect(connects).toBe(0);
    server.close();
  }, 120_000);
});

describe('patchstorm/msw with plain fetch', () => {
  it('serves DP content (HEAD, ranges) and a CCM_POST the MP refuses, as the listeners do', async () => {
    const { handlers, site, origins, close } = createSiteHandlers({ catalog: CATALOG });
    cleanups.push(close);
    const server = setupServer(...handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const file = site.model.catalog.updates.find((u) => u.files.length > 0)!.files[0]!;
      const url = `${origins.mp}/SMS_DP_SMSPKG$/${file.contentId}/${encodeURIComponent(file.fileName)}`;
      const head = await fetch(url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBe(file.size);
      const range = await fetch(url, { headers: { range: 'bytes=0-9' } });
      expect(range.status).toBe(206);
      expect((await range.arrayBuffer()).byteLength).toBe(10);
      // A CCM_POST reaches the MP as CCM_POST (fetch and msw pass the method through): garbage is refused.
      const post = await fetch(`${origins.mp}/ccm_system/request`, {
        method: 'CCM_POST',
        body: 'not multipart',
      });
      expect(post.status).toBeGreaterThanOrEqual(400);
      expect(post.status).toBeLessThan(500);
      expect(Object.keys(site.mp.snapshot().refused).length).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});

describe('the fetch platform against the reference site over loopback', () => {
  it('sends the same requests per operation as the in-process loop on the Node platform', async () => {
    const DURATION_MS = 20 * MIN;
    const signer = await createRegistrationSigner();
    const nodeSite = await startTestSite();
    cleanups.push(() => nodeSite.stop());
    const fetchSite = await startTestSite();
    cleanups.push(() => fetchSite.stop());
    const targets = (site: RunningSite) => fleetOptions(site.urls.mpHttp, site.urls.supHttp);

    const loop = new BehaviourLoop(
      new FleetBehaviour(
        shardContext(CLIENTS * 4, SEED, T0),
        targets(nodeSite),
        signer,
        createNodePlatform(),
      ),
      CLIENTS * 4,
      nodeSite.model.clock,
    );
    try {
      await loop.runUntil(T0 + DURATION_MS);
    } finally {
      await loop.close();
    }

    const before = connects;
    const clock = fetchSite.model.clock;
    const sent = await runClientsOverFetch({
      behaviour: new FleetBehaviour(
        shardContext(CLIENTS * 4, SEED, T0),
        targets(fetchSite),
        await createWebRegistrationSigner(),
        createFetchPlatform(),
      ),
      clients: CLIENTS * 4,
      start: T0,
      until: T0 + DURATION_MS,
      limits: LIMITS,
      onAdvance: (now) => {
        if (now > clock.now()) clock.advance(now - clock.now());
      },
    });
    const node = perOperation(loop.sent);
    const overFetch = perOperation(sent);
    console.log(`requests per operation, node loop vs fetch loop: ${JSON.stringify({ node, overFetch })}`);
    expect(overFetch).toEqual(node);
    expect(overFetch['mp.registration']).toBe(CLIENTS * 4);
    expect(overFetch['wsus.SyncUpdates']).toBeGreaterThan(CLIENTS * 8);
    expect(sent.filter((s) => typeof s.status !== 'number' || s.status >= 400 || s.unusable)).toEqual([]);
    // The socket count of the first test is not blind: fetch over loopback is seen connecting.
    expect(connects).toBeGreaterThan(before);
  }, 120_000);
});
