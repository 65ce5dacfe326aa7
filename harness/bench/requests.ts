// The requests `patchstorm bench` repeats, each prepared the way a real client reaches that point, against
// any site: GetConfig as sent cold; SyncUpdates from a client that finished a real cold scan (valid
// cookie, registered, whole cache: warm; or an empty cache: the first page of a cold scan); a
// state-message bulk report from a client the MP registered (zlib CCM_POST, topic-500 messages for
// updates the SUP really offered); a BITS-style ranged GET of an update file. Requests that carry a
// cookie can be renewed (a new cookie through the client's own recovery) when the server says it expired.
import type { HttpClient } from '../driver/http.ts';
import { MpClient } from '../driver/mp-client.ts';
import { type ScanResult, WsusScanClient } from '../driver/wsus-client.ts';
import {
  buildCcmPost,
  buildStateMessageReport,
  CCM_POST_METHOD,
  CCM_REQUEST_PATH,
  CCM_USER_AGENT,
  formatSentTime,
  MpEndpoint,
  targetAddressFor,
} from '../../protocol/mp/index.ts';
import { buildWsusRequest, parseWsusTime, pathFor, soapActionHeader } from '../../protocol/wsus/index.ts';

export interface BenchRequest {
  name: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The status a good answer has (200, or 206 for a range). */
  expectStatus: number;
}

export interface PreparedRequest {
  request: BenchRequest;
  /** Wall epoch ms the request's cookie expires (renew a little before), when it carries one. */
  expiresAt?: number;
  /** Gets a fresh cookie the way a client recovers from CookieExpired, and rebuilds the request. */
  renew?(): Promise<PreparedRequest>;
}

export interface BenchTarget {
  sup?: string;
  mp?: string;
  siteCode: string;
  /** A file on a DP (or WSUS content URL) to range over; found from the SUP's FileLocations when absent. */
  dpFile?: string;
}

const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';
const WUA_USER_AGENT = 'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.90';

function soapRequest(
  name: string,
  sup: string,
  operation: 'GetConfig' | 'SyncUpdates',
  body: string,
): BenchRequest {
  return {
    name,
    url: sup + pathFor(operation),
    method: 'POST',
    headers: {
      'content-type': SOAP_CONTENT_TYPE,
      soapaction: soapActionHeader(operation),
      'user-agent': WUA_USER_AGENT,
    },
    body: Buffer.from(body),
    expectStatus: 200,
  };
}

export function getConfigRequest(sup: string, name = 'GetConfig'): PreparedRequest {
  return {
    request: soapRequest(
      name,
      sup,
      'GetConfig',
      buildWsusRequest({ operation: 'GetConfig', protocolVersion: '2.90' }),
    ),
  };
}

export interface ScannedClient {
  client: WsusScanClient;
  /** Its cold scan: the updates the SUP offered and their files. */
  scan: ScanResult;
}

/** A client that finished a real cold scan against `sup` (cookie, registration, cache). */
export async function scannedClient(http: HttpClient, sup: string, name: string): Promise<ScannedClient> {
  const client = new WsusScanClient(http, { supUrl: sup, computerName: name });
  const scan = await client.coldScan();
  if (!scan.ok) {
    const f = scan.failure!;
    throw new Error(`the cold scan against ${sup} failed at ${f.operation}: ${f.message}`);
  }
  return { client, scan };
}

function cookieExpiry(client: WsusScanClient): number | undefined {
  const text = client.cookie?.expiration;
  if (!text) return undefined;
  const ms = parseWsusTime(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** SyncUpdates with the whole cache (W-DELTA), or with none: the first page of a cold scan (W-COLD). */
export function syncUpdatesRequest(
  client: WsusScanClient,
  sup: string,
  kind: 'warm' | 'cold',
): PreparedRequest {
  const cookie = client.cookie;
  if (!cookie) throw new Error('SyncUpdates: the client has no cookie');
  const body =
    kind === 'warm'
      ? client.warmSyncUpdatesBody()
      : buildWsusRequest({ operation: 'SyncUpdates', cookie, expressQuery: false, skipSoftwareSync: false });
  const expiresAt = cookieExpiry(client);
  return {
    request: soapRequest(`SyncUpdates (${kind})`, sup, 'SyncUpdates', body),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    renew: async () => {
      // A warm scan renews the cookie the way WUA does (CookieExpired → auth + GetCookie, then repeat).
      const scan = await client.warmScan();
      if (!scan.ok) throw new Error(`renewing the cookie at ${sup} failed: ${scan.failure!.message}`);
      return syncUpdatesRequest(client, sup, kind);
    },
  };
}

/**
 * A bulk report of `count` topic-500 detection messages (M-FIRST: a first scan sends hundreds, a later
 * one a handful) from a client the MP registered, about `updateIds` (the SUP's own updates when known).
 */
export async function stateMessageRequest(
  http: HttpClient,
  target: BenchTarget & { mp: string },
  count: number,
  updateIds: readonly string[],
): Promise<PreparedRequest> {
  const machine = { netbiosName: `BENCH-SM-${count}`, fqdn: `bench-sm-${count}.patchstorm.test` };
  const mp = new MpClient(http, { mpUrl: target.mp, siteCode: target.siteCode, machine });
  const reg = await mp.register();
  const now = Date.now();
  const messages = Array.from({ length: count }, (_, i) => ({
    serialNumber: i + 1,
    messageTime: now,
    topicId: updateIds[i % Math.max(1, updateIds.length)] ?? syntheticUpdateId(i),
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
      targetHost: new URL(target.mp).hostname,
      replyCompression: 'zlib',
      sentTime: formatSentTime(now),
      replyMode: 'Async',
    },
    body: report,
    compress: true,
  });
  return {
    request: {
      name: `StatePost (${count}/post)`,
      url: target.mp + CCM_REQUEST_PATH,
      method: CCM_POST_METHOD,
      headers: { 'content-type': post.contentType, 'user-agent': CCM_USER_AGENT },
      body: Buffer.from(post.body),
      expectStatus: 200,
    },
  };
}

/** A stable update GUID for a report when no SUP told us real ones. */
function syntheticUpdateId(i: number): string {
  const hex = (i + 1).toString(16).padStart(12, '0');
  return `0b5e0000-0000-4000-8000-${hex}`;
}

/** A ranged GET of `rangeBytes` from offset 64 KB (or 0 for small files) of a file, after a HEAD as BITS does. */
export async function dpRangeRequest(
  http: HttpClient,
  url: string,
  rangeBytes: number,
): Promise<PreparedRequest> {
  const head = await http.send('HEAD', url);
  if (head.status !== 200) throw new Error(`HEAD ${url} answered ${head.status}`);
  const length = Number(head.headers['content-length']);
  const start = Number.isFinite(length) && length >= 65_536 + rangeBytes ? 65_536 : 0;
  if (Number.isFinite(length) && length < start + rangeBytes)
    throw new Error(`${url} holds ${length} bytes, fewer than the ${rangeBytes}-byte range asked for`);
  return {
    request: {
      name: `DpRange (${rangeBytes >= 1024 ? `${rangeBytes / 1024} KB` : `${rangeBytes} B`})`,
      url,
      method: 'GET',
      headers: { range: `bytes=${start}-${start + rangeBytes - 1}`, 'user-agent': 'Microsoft BITS/7.8' },
      expectStatus: 206,
    },
  };
}
