// The whole reference site through its real listeners: the shell wiring the real SUP, MP and DP
// front-ends, TLS, the observer and fault injection together.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DpClient } from '../../harness/driver/dp-client.ts';
import { HttpClient } from '../../harness/driver/http.ts';
import { MpClient } from '../../harness/driver/mp-client.ts';
import {
  buildWsusRequest,
  parseWsusResponse,
  pathFor,
  soapActionFor,
  WsusFault,
} from '../../protocol/wsus/index.ts';
import { SITE_DEFAULTS } from '../../site/options.ts';
import { type RunningSite, startSite } from '../../site/server.ts';

const GET_CONFIG_HEADERS = {
  'content-type': 'text/xml; charset=utf-8',
  soapaction: `"${soapActionFor('GetConfig')}"`,
};
const GET_CONFIG_BODY = buildWsusRequest({ operation: 'GetConfig', protocolVersion: '2.90' });

describe('startSite', () => {
  let site: RunningSite;
  let http: HttpClient;

  beforeAll(async () => {
    site = await startSite({
      supHttpPort: 0,
      supHttpsPort: 0,
      mpHttpPort: 0,
      mpHttpsPort: 0,
      observerPort: 0,
      clock: { mode: 'manual' },
      catalog: { seed: 11, leafUpdates: 15 },
    });
    http = new HttpClient({ caFile: site.caFile, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await http.close();
    await site.stop();
  });

  it('reports the ports it got in the URLs and in the model', () => {
    const { config } = site.model;
    expect(site.urls.supHttp).toBe(`http://127.0.0.1:${config.supHttpPort}`);
    expect(site.urls.supHttps).toBe(`https://127.0.0.1:${config.supHttpsPort}`);
    expect(site.urls.mpHttp).toBe(`http://127.0.0.1:${config.mpHttpPort}`);
    expect(site.urls.observer).toBe(`http://127.0.0.1:${config.observerPort}`);
    for (const p of [config.supHttpPort, config.supHttpsPort, config.mpHttpPort, config.mpHttpsPort]) {
      expect(p).toBeGreaterThan(0);
    }
    expect(config).toMatchObject({ siteCode: 'PS1', cookieLifetimeMinutes: 60, syncPageSize: 200 });
  });

  it('answers GetConfig over HTTP and over HTTPS with the CA it wrote', async () => {
    for (const origin of [site.urls.supHttp, site.urls.supHttps]) {
      const res = await http.send('POST', origin + pathFor('GetConfig'), GET_CONFIG_HEADERS, GET_CONFIG_BODY);
      expect(res.status).toBe(200);
      expect(parseWsusResponse('GetConfig', res.body.toString())).toMatchObject({
        isRegistrationRequired: true,
      });
    }
    expect(site.stats.snapshot().frontEnds.sup?.operations.GetConfig?.requests).toBe(2);
  });

  it('fails GetConfig over HTTPS certificate verification when the generated CA is not trusted', async () => {
    const untrusting = new HttpClient({ timeoutMs: 5000 });
    try {
      await expect(
        untrusting.send(
          'POST',
          site.urls.supHttps + pathFor('GetConfig'),
          GET_CONFIG_HEADERS,
          GET_CONFIG_BODY,
        ),
      ).rejects.toMatchObject({ kind: 'tls' });
    } finally {
      await untrusting.close();
    }
    // The same request with the CA trusted is answered (the certificate, not the listener, was refused).
    const res = await http.send(
      'POST',
      site.urls.supHttps + pathFor('GetConfig'),
      GET_CONFIG_HEADERS,
      GET_CONFIG_BODY,
    );
    expect(res.status).toBe(200);
    expect(parseWsusResponse('GetConfig', res.body.toString())).toMatchObject({
      isRegistrationRequired: true,
    });
  });

  it('answers an unknown SOAPAction with the framework fault and counts it in the observer', async () => {
    const res = await http.send(
      'POST',
      site.urls.supHttp + pathFor('GetConfig'),
      { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://example.invalid/Nope"' },
      GET_CONFIG_BODY,
    );
    expect(res.status).toBe(500);
    expect(() => parseWsusResponse('GetConfig', res.body.toString())).toThrow(/ContractFilter mismatch/);
    const stats = JSON.parse((await http.send('GET', `${site.urls.observer}/api/stats`)).body.toString());
    expect(stats.frontEnds.sup.operations.Unknown.faults).toEqual({ SoapActionNotRecognized: 1 });
    expect(stats.frontEndState.sup.faultsIssued.SoapActionNotRecognized).toBe(1);
  });

  it('hands MP clients the SUP URLs with the ports actually in use', async () => {
    const mp = new MpClient(http, {
      mpUrl: site.urls.mpHttp,
      siteCode: 'PS1',
      machine: { netbiosName: 'SHELL-01', fqdn: 'shell-01.patchstorm.test' },
    });
    await mp.register();
    const reply = await mp.wsusLocation(site.model.catalog.updateSourceId, site.model.catalog.version);
    const urls = reply.records.map((r) => r.wsusUrl);
    expect(urls).toContain(site.urls.supHttp);
  });

  it('serves DP content under the MP origin, HEAD and Range', async () => {
    const file = site.model.catalog.updates.flatMap((u) => u.files)[0]!;
    const dp = new DpClient(http, { dpUrl: site.urls.dp });
    const head = await dp.head(file.contentId, file.fileName);
    expect(head.size).toBe(file.size);
    const part = await dp.rangeGet(file.contentId, file.fileName, 0, 99);
    expect(part.status).toBe(206);
    expect(part.body.length).toBe(100);
    const dpOps = site.stats.snapshot().frontEnds.dp?.total;
    expect(dpOps?.requests).toBe(2);
  });

  it('shows the MP backlog and the catalog through the observer', async () => {
    const backlog = JSON.parse((await http.send('GET', `${site.urls.observer}/api/backlog`)).body.toString());
    expect(backlog).toMatchObject({ depth: 0 });
    expect(typeof backlog.capacityPerMinute).toBe('number');
    const catalog = JSON.parse((await http.send('GET', `${site.urls.observer}/api/catalog`)).body.toString());
    expect(catalog.version).toBe(1);
    const stats = JSON.parse((await http.send('GET', `${site.urls.observer}/api/stats`)).body.toString());
    expect(stats.frontEndState.sup).toHaveProperty('registrations');
    expect(stats.frontEndState.mp.registrations).toBeGreaterThanOrEqual(1);
  });

  it('injects the SUP ServerBusy fault through the real front-end and counts it by ErrorCode', async () => {
    const put = await http.send(
      'PUT',
      `${site.urls.observer}/api/faults`,
      { 'content-type': 'application/json' },
      JSON.stringify({ rules: [{ frontEnd: 'sup', operation: 'GetConfig', serverBusyRate: 1 }] }),
    );
    expect(put.status).toBe(200);
    const res = await http.send(
      'POST',
      site.urls.supHttp + pathFor('GetConfig'),
      GET_CONFIG_HEADERS,
      GET_CONFIG_BODY,
    );
    expect(res.status).toBe(500);
    let fault: unknown;
    try {
      parseWsusResponse('GetConfig', res.body.toString());
    } catch (err) {
      fault = err;
    }
    expect(fault).toBeInstanceOf(WsusFault);
    expect((fault as WsusFault).errorCode).toBe('ServerBusy');
    expect(site.stats.snapshot().frontEnds.sup?.operations.GetConfig?.faults.ServerBusy).toBe(1);
    site.faults.configure({});
  });
});

describe('site defaults', () => {
  it('listen where the real products do: SUP 8530/8531, MP/DP 8080/8443 standing in for 80/443', () => {
    expect(SITE_DEFAULTS).toMatchObject({
      supHttpPort: 8530,
      supHttpsPort: 8531,
      mpHttpPort: 8080,
      mpHttpsPort: 8443,
      bindAddress: '127.0.0.1',
    });
  });
});

describe('startSite lifecycle', () => {
  it('refuses bad options before listening, naming the field', async () => {
    await expect(startSite({ supHttpPort: 70000 })).rejects.toThrow(/supHttpPort: got 70000/);
    await expect(startSite({ violations: ['nope'] })).rejects.toThrow(/unknown violation "nope"; valid: /);
    await expect(startSite({ mpHttpPort: 9000, mpHttpsPort: 9000 })).rejects.toThrow(
      /mpHttpsPort: 9000 is already used by mpHttpPort/,
    );
  });

  it('stops everything and removes the CA it generated', async () => {
    const site = await startSite({
      supHttpPort: 0,
      supHttpsPort: 0,
      mpHttpPort: 0,
      mpHttpsPort: 0,
      observerPort: 0,
      catalog: { leafUpdates: 5 },
    });
    expect(existsSync(site.caFile)).toBe(true);
    await site.stop();
    expect(existsSync(site.caFile)).toBe(false);
    const http = new HttpClient({ timeoutMs: 2000 });
    await expect(http.send('GET', `${site.urls.observer}/api/stats`)).rejects.toMatchObject({
      kind: 'refused',
    });
    await http.close();
  });
});
