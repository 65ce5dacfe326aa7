// Overload shedding on the real site: a front-end holding its maximum of requests answers the next ones
// with HTTP 503 at once (HTTP.sys with a full application-pool queue), counts them as overloaded, and
// takes requests again as soon as the held ones are answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, type HttpResponse } from '../../harness/driver/http.ts';
import { buildWsusRequest, pathFor, soapActionHeader } from '../../protocol/wsus/index.ts';
import { SITE_DEFAULTS } from '../../site/options.ts';
import type { RunningSite } from '../../site/server.ts';
import type { OperationCounters } from '../../site/stats.ts';
import { startLocalSite } from '../local-site.ts';

const LIMIT = 2;
const BURST = 10;
/** Long enough that every request of the burst arrives while the first LIMIT are still held. */
const HOLD_MS = 1_500;

const GET_CONFIG_HEADERS = {
  'content-type': 'text/xml; charset=utf-8',
  soapaction: soapActionHeader('GetConfig'),
};
const GET_CONFIG_BODY = buildWsusRequest({ operation: 'GetConfig', protocolVersion: '2.90' });

interface StatsJson {
  frontEnds: Record<string, { operations: Record<string, OperationCounters> }>;
  inFlight: Record<string, { inFlight: number; peak: number; limit: number | null }>;
}

let site: RunningSite;
let http: HttpClient;

beforeAll(async () => {
  site = await startLocalSite({
    catalog: { seed: 5, leafUpdates: 10 },
    supMaxInFlight: LIMIT,
    mpMaxInFlight: LIMIT,
    // Every GetConfig and MPLIST is held HOLD_MS, so the burst overlaps.
    faults: {
      rules: [
        { frontEnd: 'sup', operation: 'GetConfig', latencyMs: HOLD_MS },
        { frontEnd: 'mp', operation: 'MPLIST', latencyMs: HOLD_MS },
      ],
    },
  });
  // One connection per request of the burst, so none waits in the client's own pool.
  http = new HttpClient({ caFile: site.caFile, connections: BURST + 2, timeoutMs: 10_000 });
});

afterAll(async () => {
  await http?.close();
  await site?.stop();
});

async function stats(): Promise<StatsJson> {
  const res = await http.send('GET', `${site.urls.observer}/api/stats`);
  return JSON.parse(res.body.toString()) as StatsJson;
}

function statuses(replies: HttpResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of replies) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describe('overload shedding', () => {
  it('answers a SUP burst over the in-flight limit with 503 like a full WsusPool queue, and counts it', async () => {
    const t0 = performance.now();
    const replies = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        http.send(
          'POST',
          // Half over HTTPS: both SUP listeners count against one limit.
          (i % 2 === 0 ? site.urls.supHttp : site.urls.supHttps) + pathFor('GetConfig'),
          GET_CONFIG_HEADERS,
          GET_CONFIG_BODY,
        ),
      ),
    );
    expect(statuses(replies)).toEqual({ 200: LIMIT, 503: BURST - LIMIT });
    const shed = replies.find((r) => r.status === 503)!;
    expect(shed.body.toString()).toContain('HTTP Error 503. The service is unavailable.');
    // The shed ones were not held: the burst took about one hold, not BURST / LIMIT holds.
    expect(performance.now() - t0).toBeLessThan(HOLD_MS * 2.5);

    const s = await stats();
    const getConfig = s.frontEnds.sup!.operations.GetConfig!;
    expect(getConfig.requests).toBe(BURST);
    expect(getConfig.overloaded).toBe(BURST - LIMIT);
    expect(getConfig.status['2xx']).toBe(LIMIT);
    expect(getConfig.status['5xx']).toBe(BURST - LIMIT);
    // Only the admitted requests reached fault injection (and its latency).
    expect(getConfig.injected.delayed).toBe(LIMIT);
    expect(s.inFlight.sup).toEqual({ inFlight: 0, peak: LIMIT, limit: LIMIT });
  });

  it('takes requests again once the held ones are answered', async () => {
    const again = await Promise.all(
      Array.from({ length: LIMIT }, () =>
        http.send('POST', site.urls.supHttp + pathFor('GetConfig'), GET_CONFIG_HEADERS, GET_CONFIG_BODY),
      ),
    );
    expect(statuses(again)).toEqual({ 200: LIMIT });
  });

  it('sheds an MP burst with 503 too, without touching the SUP or DP limits', async () => {
    const replies = await Promise.all(
      Array.from({ length: BURST }, () => http.send('GET', `${site.urls.mpHttp}/SMS_MP/.sms_aut?MPLIST`)),
    );
    expect(statuses(replies)).toEqual({ 200: LIMIT, 503: BURST - LIMIT });
    const s = await stats();
    expect(s.frontEnds.mp!.operations.MPLIST!.overloaded).toBe(BURST - LIMIT);
    expect(s.inFlight.mp).toEqual({ inFlight: 0, peak: LIMIT, limit: LIMIT });
    // The DP kept the default limit and was never near it.
    expect(s.inFlight.dp).toEqual({ inFlight: 0, peak: 0, limit: SITE_DEFAULTS.dpMaxInFlight });
  });
});

describe('in-flight limit options', () => {
  it('default to the IIS application-pool queue length', () => {
    expect(SITE_DEFAULTS).toMatchObject({ supMaxInFlight: 1000, mpMaxInFlight: 1000, dpMaxInFlight: 1000 });
  });

  it('are validated before anything listens, naming the field and the value', async () => {
    await expect(startLocalSite({ supMaxInFlight: 0 })).rejects.toThrow(/supMaxInFlight: got 0: /);
    await expect(startLocalSite({ dpMaxInFlight: 2.5 })).rejects.toThrow(/dpMaxInFlight: got 2\.5: /);
  });
});
