// The scan client against the whole reference site over real sockets: what a cold scan and a warm scan
// cost on the wire (W-COLD ~5 MB, W-DELTA small), and that a publish reaches a warm scan exactly.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { type ScanResult, WsusScanClient } from '../../harness/driver/wsus-client.ts';
import type { RunningSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';

const T0 = Date.parse('2026-10-01T08:00:00Z');
let site: RunningSite;
let http: HttpClient;
let client: WsusScanClient;
let cold: ScanResult;

beforeAll(async () => {
  site = await startLocalSite({
    clock: { start: T0 },
    catalog: { seed: 1 },
  });
  http = new HttpClient({ caFile: site.caFile });
  // The client's own clock stays at T0, so only the server can tell it the cookie expired (W-COOKIE).
  client = new WsusScanClient(http, {
    supUrl: site.urls.supHttp,
    computerName: 'PS-WIN11-0001',
    osBuild: 22631,
    now: () => T0,
  });
  cold = await client.coldScan();
});

afterAll(async () => {
  await http?.close();
  await site?.stop();
});

describe('WsusScanClient against the reference site', () => {
  it('cold scan: the whole W-COLD sequence, about 5 MB on the wire', () => {
    const total = cold.bytesIn + cold.bytesOut;
    console.log(
      `cold scan: ${cold.requests} requests, ${cold.syncPages} SyncUpdates pages, ${cold.newUpdateIds.length} new revisions, ` +
        `${cold.applicableUpdates.length} applicable; bytes in ${cold.bytesIn}, out ${cold.bytesOut}, total ${total}`,
    );
    for (const [op, c] of Object.entries(cold.operations)) {
      console.log(`  ${op}: ${c.requests} requests, in ${c.bytesIn}, out ${c.bytesOut}`);
    }
    expect(cold.ok, JSON.stringify(cold.failure)).toBe(true);
    expect(total).toBeGreaterThan(4_000_000);
    expect(total).toBeLessThan(6_000_000);
    const ops = cold.operations;
    for (const op of [
      'GetConfig',
      'GetAuthorizationCookie',
      'GetCookie',
      'RegisterComputer',
      'ReportEventBatch',
    ] as const) {
      expect(ops[op]?.requests).toBe(1);
    }
    // Software pages plus one driver pass.
    expect(ops.SyncUpdates?.requests).toBe(cold.syncPages + 1);
    expect(ops.GetExtendedUpdateInfo?.requests).toBe(Math.ceil(cold.applicableUpdates.length / 50));
    expect(cold.repeatedUpdateIds).toEqual([]);
    expect(cold.driverUpdateIds.length).toBeGreaterThan(0); // the default devices include a catalog driver
    expect(site.sup.snapshot().registrations).toBe(1);
  });

  it('cold scan: applicable updates come with files whose bytes the SUP serves', async () => {
    const withFiles = cold.applicableUpdates.filter((u) => u.files.length > 0);
    expect(withFiles.length).toBeGreaterThan(100);
    const file = withFiles[0]!.files[0]!;
    expect(file.url).toMatch(new RegExp(`^${site.urls.supHttp}/Content/[0-9A-F]{2}/[0-9A-F]{40}\\.\\w+$`));
    const res = await http.send('GET', file.url!);
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(file.size);
    expect(createHash('sha1').update(res.body).digest('base64')).toBe(file.digestSha1B64);
    expect(createHash('sha256').update(res.body).digest('base64')).toBe(file.sha256B64);
    const ranged = await http.send('GET', file.url!, { range: 'bytes=100-199' });
    expect(ranged.status).toBe(206);
    expect(ranged.body).toEqual(res.body.subarray(100, 200));
  });

  it('warm scan right after: no handshake, nothing new, under 5 % of the cold bytes', async () => {
    const warm = await client.warmScan();
    const total = warm.bytesIn + warm.bytesOut;
    const coldTotal = cold.bytesIn + cold.bytesOut;
    console.log(
      `warm scan: ${warm.requests} requests, bytes in ${warm.bytesIn}, out ${warm.bytesOut}, total ${total} (${((100 * total) / coldTotal).toFixed(2)} % of cold)`,
    );
    expect(warm.ok, JSON.stringify(warm.failure)).toBe(true);
    expect(warm.newUpdateIds).toEqual([]);
    expect(warm.outOfScopeIds).toEqual([]);
    expect(warm.operations.GetConfig).toBeUndefined();
    expect(warm.operations.GetCookie).toBeUndefined();
    expect(warm.syncPages).toBe(1);
    expect(total).toBeLessThan(coldTotal * 0.05);
  });

  it('after a publish, the warm scan returns exactly the new updates this machine is eligible for', async () => {
    const added = site.model.catalog.publish(12, site.model.clock.now());
    const eligible = added.filter((u) => u.applicableBuilds.includes(22631)).map((u) => u.revisionId);
    expect(eligible.length).toBeGreaterThan(0);
    const warm = await client.warmScan();
    expect(warm.ok, JSON.stringify(warm.failure)).toBe(true);
    expect([...warm.newUpdateIds].sort()).toEqual([...eligible].sort());
    const leafs = added
      .filter((u) => u.kind === 'leaf' && u.applicableBuilds.includes(22631))
      .map((u) => u.revisionId);
    expect(warm.applicableUpdates.map((u) => u.revisionId).sort()).toEqual(
      [...leafs, ...eligible.filter((id) => !leafs.includes(id))].sort(),
    );
  });

  it('recovers from an expired cookie after 60 site-minutes', async () => {
    site.model.clock.advance(61 * 60_000);
    const warm = await client.warmScan();
    expect(warm.ok, JSON.stringify(warm.failure)).toBe(true);
    expect(warm.recoveries).toEqual(['CookieExpired: GetAuthorizationCookie+GetCookie']);
    expect(warm.operations.SyncUpdates?.faults).toEqual({ CookieExpired: 1 });
    expect(warm.newUpdateIds).toEqual([]);
  });
});
