// The MP and DP over real sockets of a started site: a burst of 10,000 state messages above the
// processing rate forms a backlog the observer shows, which drains at exactly the configured rate as the
// manual clock advances, losing nothing; and a client's whole MP -> DP journey with hash verification.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DpClient } from '../../harness/driver/dp-client.ts';
import { HttpClient } from '../../harness/driver/http.ts';
import { MpClient } from '../../harness/driver/mp-client.ts';
import type { StateMessage } from '../../protocol/mp/index.ts';
import type { BacklogSnapshot } from '../../site/mp/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';

const T0 = Date.UTC(2025, 0, 14, 18, 0, 0);
/** 4 loaders x 1,500 = 6,000 records per site minute = 1,000 per 10 s step. */
const PROCESSOR = { loaderThreads: 4, recordsPerMinutePerLoader: 1_500 };
const REPORTS = 1_000;
const PER_REPORT = 10;

let site: RunningSite;
let http: HttpClient;

beforeAll(async () => {
  site = await startLocalSite({
    clock: { start: T0 },
    catalog: { seed: 3, leafUpdates: 20 },
    processor: PROCESSOR,
  });
  http = new HttpClient({ connections: 32, caFile: site.caFile });
});

afterAll(async () => {
  await http?.close();
  await site?.stop();
});

async function observer<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await http.send(
    method,
    `${site.urls.observer}${path}`,
    body === undefined ? {} : { 'content-type': 'application/json' },
    body === undefined ? undefined : JSON.stringify(body),
  );
  expect(res.status).toBe(200);
  return JSON.parse(res.body.toString('utf8')) as T;
}

function messages(firstSerial: number, updateIds: string[]): StateMessage[] {
  return Array.from({ length: PER_REPORT }, (_, i) => ({
    serialNumber: firstSerial + i,
    messageTime: T0,
    topicId: updateIds[i % updateIds.length]!,
    topicType: 500,
    topicIdType: 3,
    stateId: 2,
    params: [],
  }));
}

describe('state-message backlog over sockets', () => {
  it('accepts a 10,000-message burst at once, then drains at rate x step with nothing lost', async () => {
    const updateIds = site.model.catalog.updates.filter((u) => u.kind === 'leaf').map((u) => u.updateId);
    const machines = Array.from({ length: REPORTS }, (_, i) => {
      const client = new MpClient(http, {
        mpUrl: site.urls.mpHttp,
        siteCode: 'PS1',
        machine: { netbiosName: `PC${i}`, fqdn: `pc${i}.lab.test` },
        smsId: `GUID:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      });
      return client;
    });

    // Nothing waits before the burst, so the depth after it is a rise the burst caused.
    const before = await observer<BacklogSnapshot>('GET', '/api/backlog');
    expect(before).toMatchObject({ depth: 0, accepted: 0, processed: 0 });

    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < machines.length) {
        const i = next++;
        const m = machines[i]!;
        await m.postStateMessages({
          clientId: m.smsId!,
          netbiosName: `PC${i}`,
          date: T0,
          messages: messages(1, updateIds),
        });
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round((REPORTS * PER_REPORT) / seconds);
    console.log(
      `accepted ${REPORTS} reports / ${REPORTS * PER_REPORT} messages in ${seconds.toFixed(2)} s: ` +
        `${Math.round(REPORTS / seconds)} posts/s, ${rate} messages/s`,
    );

    let backlog = await observer<BacklogSnapshot>('GET', '/api/backlog');
    expect(backlog).toMatchObject({
      depth: 10_000,
      accepted: 10_000,
      processed: 0,
      capacityPerMinute: 6_000,
    });
    const compliance = await observer<{
      knownClients: number;
      overall: { unknown: number; required: number };
    }>('GET', '/api/compliance');
    expect(compliance.knownClients).toBe(REPORTS);
    expect(compliance.overall.required).toBe(0);

    // Each 10 s of site time loads exactly 1,000 records.
    const depths = [backlog.depth];
    for (let step = 0; step < 5; step++) {
      await observer('POST', '/api/clock/advance', { ms: 10_000 });
      backlog = await observer<BacklogSnapshot>('GET', '/api/backlog');
      depths.push(backlog.depth);
    }
    expect(depths).toEqual([10_000, 9_000, 8_000, 7_000, 6_000, 5_000]);
    expect(backlog.oldestAgeMs).toBe(50_000);
    // After 60 s of steady loading the last-minute figure is the configured capacity.
    await observer('POST', '/api/clock/advance', { ms: 10_000 });
    backlog = await observer<BacklogSnapshot>('GET', '/api/backlog');
    expect(backlog.processedPerMinute).toBe(6_000);

    await observer('POST', '/api/clock/advance', { minutes: 1 });
    backlog = await observer<BacklogSnapshot>('GET', '/api/backlog');
    expect(backlog).toMatchObject({ depth: 0, processed: 10_000, accepted: 10_000, duplicates: 0, gaps: 0 });
    const after = await observer<{ overall: { required: number } }>('GET', '/api/compliance');
    expect(after.overall.required).toBe(REPORTS * PER_REPORT);
  });
});

describe('a client journey over sockets', () => {
  it('registers, gets policy, locates the SUP and content, and downloads a verified file from the DP', async () => {
    const mp = new MpClient(http, {
      mpUrl: site.urls.mpHttp,
      siteCode: 'PS1',
      machine: { netbiosName: 'JOURNEY', fqdn: 'journey.lab.test' },
    });
    const list = await mp.mpList();
    expect(list.mps[0]?.siteCode).toBe('PS1');
    const reg = await mp.register();
    expect(reg.smsId).toMatch(/^GUID:/);
    const assignments = await mp.requestAssignments();
    const source = assignments.assignments.find((a) => a.policyCategory === 'UpdateSource')!;
    const body = await mp.getPolicyBody(source);
    expect(body.kind).toBe('update-source');
    if (body.kind !== 'update-source') return;
    const location = await mp.wsusLocation(body.policy.updateSourceId, body.policy.contentVersion);
    expect(location.records.map((r) => r.wsusUrl)).toEqual([site.urls.supHttp, site.urls.supHttps]);

    const file = site.model.catalog.updates.find((u) => u.files.length > 0)!.files[0]!;
    const content = await mp.contentLocation(file.contentId);
    const dpUrl = new URL(content.records[0]!.url).origin;
    expect(dpUrl).toBe(site.urls.dp);

    const dp = new DpClient(http, { dpUrl, chunkBytes: 256 * 1024 });
    const head = await dp.head(file.contentId, file.fileName);
    expect(head).toMatchObject({ size: file.size, acceptRanges: true });
    const part = await dp.rangeGet(file.contentId, file.fileName, 100, 4_195);
    expect(part.status).toBe(206);
    expect(part.body).toEqual(site.model.catalog.contentBytes(file, 100, 4_196));
    const manifest = await dp.propfind(file.contentId);
    expect(manifest.filter((e) => !e.isCollection).map((e) => e.size)).toEqual([file.size]);
    const download = await dp.download({
      contentId: file.contentId,
      fileName: file.fileName,
      sha1: file.sha1,
    });
    expect(download.sha1Hex).toBe(file.sha1.toString('hex'));
    expect(download.requests).toBe(1 + Math.ceil(file.size / (256 * 1024)));
  });
});
