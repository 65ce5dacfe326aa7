// W-TIME: server timestamps are UTC even without a zone. The reference site writes its times in the
// style of the Python peer (timeStyle 'plain': "2026-10-01T09:00:00.000000", no zone) and both clients
// must decide cookie expiry from them as UTC: an expired cookie is renewed before the call (not reused
// until the server faults CookieExpired) and a valid one is kept (not renewed hours early). Only a zone
// other than UTC tells a right parser from Date.parse (which reads a zone-less time as local time), so
// server-time-zones.test.ts runs this file again under America/Los_Angeles and Asia/Tokyo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { WsusScanClient } from '../../harness/driver/wsus-client.ts';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import { parseWsusTime } from '../../protocol/wsus/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from '../fleet-adapter/behaviour-loop.ts';
import { startLocalSite } from '../local-site.ts';

const T0 = Date.parse('2026-10-01T08:00:00Z');
const MIN = 60_000;
const ZONE_LESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

let site: RunningSite;

beforeAll(async () => {
  site = await startLocalSite({
    clock: { start: T0 },
    catalog: { seed: 5, leafUpdates: 40, builds: [22631] },
    timeStyle: 'plain',
  });
});

afterAll(async () => {
  await site?.stop();
});

describe(`W-TIME (TZ=${process.env.TZ ?? 'unset'}, UTC offset ${-new Date(T0).getTimezoneOffset()} min)`, () => {
  it('runs in the zone it was asked to (server-time-zones.test.ts sets PATCHSTORM_EXPECT_NON_UTC)', () => {
    if (process.env.PATCHSTORM_EXPECT_NON_UTC) expect(new Date(T0).getTimezoneOffset()).not.toBe(0);
  });

  it('the driver renews an expired zone-less cookie up front and keeps a valid one', async () => {
    const http = new HttpClient();
    try {
      const clock = site.model.clock;
      const client = new WsusScanClient(http, {
        supUrl: site.urls.supHttp,
        computerName: 'PS-TZ-1',
        now: () => clock.now(),
      });
      const cold = await client.coldScan();
      expect(cold.ok, JSON.stringify(cold.failure)).toBe(true);
      expect(client.cookie!.expiration).toMatch(ZONE_LESS);

      // 30 minutes on: the 60-minute cookie is still valid (read as local time in Tokyo: expired 9 h ago).
      clock.advance(30 * MIN);
      const kept = await client.warmScan();
      expect(kept.ok, JSON.stringify(kept.failure)).toBe(true);
      expect(kept.operations.GetCookie, 'a valid cookie is kept').toBeUndefined();

      // 61 minutes after issue: expired (read as local time in Los Angeles: still 7 h to go).
      clock.advance(31 * MIN);
      const renewed = await client.warmScan();
      expect(renewed.ok, JSON.stringify(renewed.failure)).toBe(true);
      expect(renewed.operations.GetCookie?.requests, 'an expired cookie is renewed').toBe(1);
      expect(renewed.recoveries, 'renewed before the call, not after a CookieExpired fault').toEqual([]);
    } finally {
      await http.close();
    }
  });

  it('the swarm keeps the cookie expiry the server wrote, as UTC, and renews on time', async () => {
    const knowledge = await discoverCatalogKnowledge({
      supUrl: site.urls.supHttp,
      mpUrl: site.urls.mpHttp,
      builds: [22631],
    });
    const clients = 3;
    const start = site.model.clock.now();
    const behaviour = new FleetBehaviour(
      shardContext(clients, 9, start),
      {
        fleet: {
          start: 'warm',
          initialCatalogVersion: knowledge.catalogVersion,
          machines: [{ name: 'win11', build: 22631, weight: 1, installedFraction: 0.6 }],
        },
        targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
        knowledge,
        events: {
          forcedScans: [{ at: start + 10 * MIN }, { at: start + 40 * MIN }, { at: start + 75 * MIN }],
        },
      },
      await createRegistrationSigner(),
      createNodePlatform(),
    );
    const loop = new BehaviourLoop(behaviour, clients, site.model.clock);
    try {
      await loop.runUntil(start + 20 * MIN);
      const issuedAt = loop.sent.find((s) => s.operation === 'wsus.GetCookie' && s.client === 0)!.at;
      expect(behaviour.fleet.client(0).cookieExpiresAt).toBe(issuedAt + 60 * MIN);
      const cookies = loop.count('wsus.GetCookie');
      await loop.runUntil(start + 50 * MIN);
      expect(loop.count('wsus.GetCookie'), 'valid cookies are kept').toBe(cookies);
      await loop.runUntil(start + 85 * MIN);
      expect(loop.count('wsus.GetCookie') - cookies, 'expired cookies are renewed').toBe(clients);
      expect(behaviour.fleet.counters.scanFaults.CookieExpired ?? 0, 'before the call').toBe(0);
      expect(parseWsusTime('2026-10-01T09:00:00.000000')).toBe(T0 + 60 * MIN);
    } finally {
      await loop.close();
    }
  });
});
