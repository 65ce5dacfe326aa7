// Every WSUS ErrorCode from the real site: a fault-injection rule with errorCode makes the SUP answer the
// real WSUS fault shape (SOAP 1.1 s:Fault, HTTP 500, detail/ErrorCode) for any of the 11 codes, so a
// client's recovery from each can be exercised against the site, and the observer counts each by code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import {
  buildWsusRequest,
  NS_SOAP,
  parseWsusResponse,
  pathFor,
  soapActionHeader,
  WSUS_ERROR_CODES,
  WsusFault,
  type WsusOperation,
} from '../../protocol/wsus/index.ts';
import type { RunningSite } from '../../site/server.ts';
import type { OperationCounters } from '../../site/stats.ts';
import { startLocalSite } from '../local-site.ts';

const REQUESTS: Record<'GetConfig' | 'SyncUpdates', string> = {
  GetConfig: buildWsusRequest({ operation: 'GetConfig', protocolVersion: '2.90' }),
  // The injected fault is answered before the request is handled, so any well-formed cookie will do.
  SyncUpdates: buildWsusRequest({
    operation: 'SyncUpdates',
    cookie: { expiration: '2026-10-01T09:00:00Z', encryptedData: 'AAAA' },
    expressQuery: false,
    skipSoftwareSync: false,
  }),
};

let site: RunningSite;
let http: HttpClient;

beforeAll(async () => {
  site = await startLocalSite({ catalog: { seed: 9, leafUpdates: 10 } });
  http = new HttpClient({ timeoutMs: 5000 });
});

afterAll(async () => {
  await http?.close();
  await site?.stop();
});

async function putFaults(body: unknown): Promise<{ status: number; json: { error?: string } }> {
  const res = await http.send(
    'PUT',
    `${site.urls.observer}/api/faults`,
    { 'content-type': 'application/json' },
    JSON.stringify(body),
  );
  return { status: res.status, json: JSON.parse(res.body.toString()) };
}

async function faultFor(operation: WsusOperation & keyof typeof REQUESTS): Promise<WsusFault> {
  const res = await http.send(
    'POST',
    site.urls.supHttp + pathFor(operation),
    { 'content-type': 'text/xml; charset=utf-8', soapaction: soapActionHeader(operation) },
    REQUESTS[operation],
  );
  expect(res.status).toBe(500);
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  const text = res.body.toString();
  // SOAP 1.1: the envelope namespace of schemas.xmlsoap.org, not SOAP 1.2's w3.org one.
  expect(text.startsWith(`<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><s:Fault>`)).toBe(true);
  try {
    parseWsusResponse(operation, text);
  } catch (err) {
    expect(err).toBeInstanceOf(WsusFault);
    return err as WsusFault;
  }
  throw new Error(`${operation}: expected a SOAP fault, got a normal answer`);
}

describe('injected WSUS ErrorCode faults on the real site', () => {
  it('answers each of the 11 ErrorCodes on GetConfig and SyncUpdates in the real fault shape', async () => {
    expect(WSUS_ERROR_CODES).toHaveLength(11);
    for (const errorCode of WSUS_ERROR_CODES) {
      for (const operation of ['GetConfig', 'SyncUpdates'] as const) {
        const put = await putFaults({
          rules: [{ frontEnd: 'sup', operation, errorCode, errorCodeRate: 1 }],
        });
        expect(put.status).toBe(200);
        const fault = await faultFor(operation);
        expect(fault).toMatchObject({ kind: 'wsus', errorCode, faultCode: 's:Client' });
        expect(fault.method).toBe(soapActionHeader(operation));
        expect(fault.id).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
    const sup = site.stats.snapshot().frontEnds.sup!.operations;
    for (const operation of ['GetConfig', 'SyncUpdates'] as const) {
      const c: OperationCounters = sup[operation]!;
      expect(c.injected.errorCode).toBe(WSUS_ERROR_CODES.length);
      expect(c.faults).toEqual(Object.fromEntries(WSUS_ERROR_CODES.map((code) => [code, 1])));
    }
  });

  it('answers normally again once the rule is gone', async () => {
    expect((await putFaults({})).status).toBe(200);
    const res = await http.send(
      'POST',
      site.urls.supHttp + pathFor('GetConfig'),
      { 'content-type': 'text/xml; charset=utf-8', soapaction: soapActionHeader('GetConfig') },
      REQUESTS.GetConfig,
    );
    expect(res.status).toBe(200);
  });

  it('refuses a rule with an unknown code, naming the field, the value and the valid codes', async () => {
    const bad = await putFaults({
      rules: [{ frontEnd: 'sup', operation: 'GetConfig', errorCode: 'Teapot', errorCodeRate: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('rules[0].errorCode: got "Teapot": ');
    expect(bad.json.error).toContain(WSUS_ERROR_CODES.join(', '));
  });
});
