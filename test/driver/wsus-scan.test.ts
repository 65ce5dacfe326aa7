// The scan client against the whole reference site over real sockets: what a cold scan and a warm scan
// cost on the wire (W-COLD ~5 MB, W-DELTA small), and that a publish reaches a warm scan exactly.
// W-PAGE: every software SyncUpdates brings something (the last page of the pass says Truncated=false and
// the driver pass follows); until issue 10 the client asked one more, empty, page per scan (cold: 13
// SyncUpdates, now 12 with the default catalog; a warm scan after a publish: 4, now 3; a warm scan with
// nothing new: 2, as before — one software page is the least a scan asks).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, type HttpResponse } from '../../harness/driver/http.ts';
import { type ScanResult, WsusScanClient } from '../../harness/driver/wsus-client.ts';
import { operationFromSoapAction, parseWsusResponse } from '../../protocol/wsus/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';

const T0 = Date.parse('2026-10-01T08:00:00Z');

interface SyncReply {
  driverPass: boolean;
  newUpdates: number;
  truncated: boolean;
}

/** Keeps what each SyncUpdates answered (the scan result counts pages, not what was on them). */
class SyncRecordingHttp extends HttpClient {
  syncs: SyncReply[] = [];

  override async send(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Uint8Array | string,
  ): Promise<HttpResponse> {
    const res = await super.send(method, url, headers, body);
    if (operationFromSoapAction(headers.soapaction ?? '') === 'SyncUpdates' && res.status === 200) {
      const reply = parseWsusResponse('SyncUpdates', res.body.toString('utf8'));
      this.syncs.push({
        driverPass: String(body).includes('<SkipSoftwareSync>true'),
        newUpdates: reply.newUpdates.length,
        truncated: reply.truncated,
      });
    }
    return res;
  }

  /** The SyncUpdates of the scan `run` makes. */
  async during<T>(run: () => Promise<T>): Promise<{ result: T; syncs: SyncReply[] }> {
    this.syncs = [];
    const result = await run();
    return { result, syncs: this.syncs };
  }
}

/** W-PAGE: software pages that each brought something, the last one not Truncated, one driver pass. */
function expectWuaPaging(syncs: SyncReply[], softwarePages: number): void {
  const software = syncs.filter((s) => !s.driverPass);
  expect(software).toHaveLength(softwarePages);
  expect(syncs.at(-1)?.driverPass, 'the driver pass ends the SyncUpdates').toBe(true);
  expect(syncs.filter((s) => s.driverPass)).toHaveLength(1);
  expect(software.at(-1)?.truncated).toBe(false);
  expect(
    software.map((s) => s.newUpdates).filter((n) => n === 0),
    'no page asked for after the pass ended',
  ).toEqual([]);
}

let site: RunningSite;
let http: SyncRecordingHttp;
let coldSyncs: SyncReply[];
let client: WsusScanClient;
let cold: ScanResult;

beforeAll(async () => {
  site = await startLocalSite({
    clock: { start: T0 },
    catalog: { seed: 1 },
  });
  http = new SyncRecordingHttp({ caFile: site.caFile });
  // The client's own clock stays at T0, so only the server can tell it the cookie expired (W-COOKIE).
  client = new WsusScanClient(http, {
    supUrl: site.urls.supHttp,
    computerName: 'PS-WIN11-0001',
    osBuild: 22631,
    now: () => T0,
  });
  ({ result: cold, syncs: coldSyncs } = await http.during(() => client.coldScan()));
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
    // Software pages plus one driver pass, and no extra empty page.
    expect(ops.SyncUpdates?.requests).toBe(cold.syncPages + 1);
    expectWuaPaging(coldSyncs, cold.syncPages);
    expect(cold.syncRounds).toBeGreaterThan(1); // prerequisites unlock the catalog round by round
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
    const { result: warm, syncs } = await http.during(() => client.warmScan());
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
    // Nothing new: the one software page (empty, Truncated=false) and the driver pass, as before.
    expect(syncs.map((s) => [s.driverPass, s.newUpdates])).toEqual([
      [false, 0],
      [true, 0],
    ]);
    expect(total).toBeLessThan(coldTotal * 0.05);
  });

  it('after a publish, the warm scan returns exactly the new updates this machine is eligible for', async () => {
    const added = site.model.catalog.publish(12, site.model.clock.now());
    const eligible = added.filter((u) => u.applicableBuilds.includes(22631)).map((u) => u.revisionId);
    expect(eligible.length).toBeGreaterThan(0);
    const { result: warm, syncs } = await http.during(() => client.warmScan());
    expect(warm.ok, JSON.stringify(warm.failure)).toBe(true);
    expect([...warm.newUpdateIds].sort()).toEqual([...eligible].sort());
    // Bundles first (Truncated: their leafs remain), then the leafs with Truncated=false, then the driver pass.
    console.log(`warm scan after a publish: ${warm.syncPages} software pages, ${syncs.length} SyncUpdates`);
    expectWuaPaging(syncs, warm.syncPages);
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
