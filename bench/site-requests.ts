// The requests the site benchmark repeats, each prepared the way a real client would reach that point:
// GetConfig as sent cold; SyncUpdates from a client that finished a cold scan (valid cookie, registered,
// whole cache of revision ids); a state-message bulk report from a registered client (zlib CCM_POST);
// a BITS-style ranged GET of an update file found through the MP's content location.
import type { HttpClient } from '../harness/driver/http.ts';
import { MpClient } from '../harness/driver/mp-client.ts';
import { WsusScanClient } from '../harness/driver/wsus-client.ts';
import {
  buildCcmPost,
  buildStateMessageReport,
  CCM_POST_METHOD,
  CCM_REQUEST_PATH,
  CCM_USER_AGENT,
  formatSentTime,
  MpEndpoint,
  targetAddressFor,
} from '../protocol/mp/index.ts';
import { buildWsusRequest, pathFor, soapActionHeader } from '../protocol/wsus/index.ts';
import { generateCatalog } from '../site/catalog/generate.ts';

export interface BenchRequest {
  name: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Status every answer must have (anything else counts as an error in the table). */
  expectStatus: number;
}

export interface SiteUnderTest {
  urls: { supHttp: string; supHttps: string; mpHttp: string; dp: string };
  caFile: string;
  siteCode: string;
  catalogSeed: number;
  catalogSize?: number;
}

const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';
const WUA_USER_AGENT = 'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.90';

export function getConfigRequest(origin: string, name = 'GetConfig'): BenchRequest {
  return {
    name,
    url: origin + pathFor('GetConfig'),
    method: 'POST',
    headers: {
      'content-type': SOAP_CONTENT_TYPE,
      soapaction: soapActionHeader('GetConfig'),
      'user-agent': WUA_USER_AGENT,
    },
    body: Buffer.from(buildWsusRequest({ operation: 'GetConfig', protocolVersion: '2.90' })),
    expectStatus: 200,
  };
}

export async function warmSyncUpdatesRequest(site: SiteUnderTest, http: HttpClient): Promise<BenchRequest> {
  const client = new WsusScanClient(http, { supUrl: site.urls.supHttp, computerName: 'BENCH-WARM-01' });
  await client.coldScan();
  const body = client.warmSyncUpdatesBody();
  return {
    name: 'SyncUpdates (warm)',
    url: site.urls.supHttp + pathFor('SyncUpdates'),
    method: 'POST',
    headers: {
      'content-type': SOAP_CONTENT_TYPE,
      soapaction: soapActionHeader('SyncUpdates'),
      'user-agent': WUA_USER_AGENT,
    },
    body: Buffer.from(body),
    expectStatus: 200,
  };
}

/** A bulk report of `count` topic-500 detection messages: 200 is a first scan (M-FIRST), a handful a later
 *  scan that changed a few states. */
export async function stateMessageRequest(
  site: SiteUnderTest,
  http: HttpClient,
  count: number,
): Promise<BenchRequest> {
  const machine = { netbiosName: `BENCH-SM-${count}`, fqdn: `bench-sm-${count}.patchstorm.test` };
  const mp = new MpClient(http, { mpUrl: site.urls.mpHttp, siteCode: site.siteCode, machine });
  const reg = await mp.register();
  const catalog = generateCatalog({ seed: site.catalogSeed, leafUpdates: site.catalogSize, now: Date.now() });
  const now = Date.now();
  const messages = catalog.updates
    .filter((u) => u.isLeaf)
    .slice(0, count)
    .map((u, i) => ({
      serialNumber: i + 1,
      messageTime: now,
      topicId: u.updateId,
      topicType: 500,
      topicIdType: 3,
      stateId: i % 3 === 0 ? 2 : 1,
      params: [],
    }));
  const report = buildStateMessageReport({
    clientId: reg.smsId,
    netbiosName: machine.netbiosName,
    date: now,
    messages,
  });
  const post = buildCcmPost({
    header: {
      id: '{0B5E0000-0000-4000-8000-000000000001}',
      sourceId: reg.smsId,
      sourceHost: machine.netbiosName,
      targetAddress: targetAddressFor(MpEndpoint.Relay),
      targetEndpoint: MpEndpoint.Relay,
      targetHost: new URL(site.urls.mpHttp).hostname,
      replyCompression: 'zlib',
      sentTime: formatSentTime(now),
      replyMode: 'Async',
    },
    body: report,
    compress: true,
  });
  return {
    name: `State messages (${messages.length}/post)`,
    url: site.urls.mpHttp + CCM_REQUEST_PATH,
    method: CCM_POST_METHOD,
    headers: { 'content-type': post.contentType, 'user-agent': CCM_USER_AGENT },
    body: Buffer.from(post.body),
    expectStatus: 200,
  };
}

/** A ranged GET of `rangeBytes` from the second 64 KB of a file (BITS fetches files in ranges). */
export async function dpRangeRequest(
  site: SiteUnderTest,
  http: HttpClient,
  rangeBytes: number,
): Promise<BenchRequest> {
  // The site's catalog is deterministic for its seed: the same file exists there.
  const catalog = generateCatalog({ seed: site.catalogSeed, leafUpdates: site.catalogSize, now: Date.now() });
  const file = catalog.updates.flatMap((u) => u.files).find((f) => f.size >= 256 * 1024);
  if (file === undefined) throw new Error('the catalog has no file of 256 KB or more to range over');
  const mp = new MpClient(http, {
    mpUrl: site.urls.mpHttp,
    siteCode: site.siteCode,
    machine: { netbiosName: 'BENCH-DP-01', fqdn: 'bench-dp-01.patchstorm.test' },
  });
  await mp.register();
  const location = await mp.contentLocation(file.contentId);
  const base = location.records[0]?.url;
  if (base === undefined) throw new Error(`the MP gave no content location for ${file.contentId}`);
  const url = `${base.replace(/\/+$/, '')}/${file.fileName}`;
  const head = await http.send('HEAD', url);
  if (head.status !== 200) throw new Error(`HEAD ${url} answered ${head.status}`);
  return {
    name: `DP range GET (${rangeBytes / 1024} KB)`,
    url,
    method: 'GET',
    headers: { range: `bytes=65536-${65536 + rangeBytes - 1}`, 'user-agent': 'Microsoft BITS/7.8' },
    expectStatus: 206,
  };
}
