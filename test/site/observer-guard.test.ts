// The observer cannot be steered from a web page: real sockets, the whole site, and for every refused
// request proof that the state it aimed at did not change.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObserverClient as ConformanceObserverClient } from '../../conformance/observer-client.ts';
import { HttpClient } from '../../harness/driver/http.ts';
import { fetchBacklog } from '../../harness/metrics/backlog-probe.ts';
import { ObserverClient } from '../../harness/run/observer-client.ts';
import { observerHeaders } from '../../protocol/observer.ts';
import type { RunningSite } from '../../site/server.ts';
import { InvalidInputError } from '../../site/validation.ts';
import { startLocalSite } from '../local-site.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { error?: string } & Record<string, unknown>;
}

/** One request with exactly these headers (node:http, so Host and Origin are what the test says). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path: url.pathname, headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('observer guard, no token', () => {
  let site: RunningSite;
  let base: string;
  let own: string;
  const clockNow = async (): Promise<number> =>
    (await send(base, 'GET', '/api/clock', { host: own })).json.nowMs as number;

  beforeAll(async () => {
    site = await startLocalSite({ catalog: { leafUpdates: 12 } });
    base = site.urls.observer;
    own = new URL(base).host;
  });
  afterAll(() => site.stop());

  it('refuses a cross-origin text/plain POST (a web page) and nothing changes', async () => {
    const before = await clockNow();
    const version = site.model.catalog.version;
    const advance = await send(
      base,
      'POST',
      '/api/clock/advance',
      { host: own, origin: 'http://evil.example', 'content-type': 'text/plain' },
      '{"hours": 24}',
    );
    expect(advance.status).toBe(403);
    expect(advance.json.error).toMatch(/Origin "http:\/\/evil.example" is not this observer's own origin/);
    const publish = await send(
      base,
      'POST',
      '/api/catalog/publish',
      { host: own, origin: 'null', 'content-type': 'text/plain' },
      '{"count": 5}',
    );
    expect(publish.status).toBe(403);
    expect(await clockNow()).toBe(before);
    expect(site.model.catalog.version).toBe(version);
  });

  it('refuses a change that is not JSON with 415 even without an Origin, and nothing changes', async () => {
    const before = await clockNow();
    const plain = await send(
      base,
      'POST',
      '/api/clock/advance',
      { host: own, 'content-type': 'text/plain;charset=UTF-8' },
      '{"hours": 24}',
    );
    expect(plain.status).toBe(415);
    expect(plain.json.error).toMatch(
      /POST needs "Content-Type: application\/json" \(got "text\/plain;charset=UTF-8"\)/,
    );
    const form = await send(
      base,
      'PUT',
      '/api/faults',
      { host: own, 'content-type': 'application/x-www-form-urlencoded' },
      'rules=[]',
    );
    expect(form.status).toBe(415);
    const none = await send(base, 'POST', '/api/deployments', { host: own }, '{"count":1,"deadlineHours":1}');
    expect(none.status).toBe(415);
    expect(none.json.error).toMatch(/got none/);
    expect(await clockNow()).toBe(before);
    expect(site.model.deployments.list()).toHaveLength(0);
    expect(site.faults.config.rules).toHaveLength(0);
  });

  it('refuses a foreign Host (DNS rebinding) with 421, even for a same-origin JSON POST', async () => {
    const before = await clockNow();
    const port = new URL(base).port;
    const rebound = await send(
      base,
      'POST',
      '/api/clock/advance',
      {
        host: `attacker.example:${port}`,
        origin: `http://attacker.example:${port}`,
        'content-type': 'application/json',
      },
      '{"hours": 24}',
    );
    expect(rebound.status).toBe(421);
    expect(rebound.json.error).toContain(`Host "attacker.example:${port}" is not this observer`);
    expect(rebound.json.error).toContain(`http://127.0.0.1:${port} or http://localhost:${port}`);
    const otherPort = await send(base, 'GET', '/api/stats', { host: '127.0.0.1:1' });
    expect(otherPort.status).toBe(421);
    expect(await clockNow()).toBe(before);
  });

  it('refuses cross-site fetch metadata, and takes its own origin, localhost and JSON with a charset', async () => {
    const crossSite = await send(base, 'GET', '/api/stats', { host: own, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const port = new URL(base).port;
    const before = await clockNow();
    const ok = await send(
      base,
      'POST',
      '/api/clock/advance',
      {
        host: `LOCALHOST:${port}`,
        origin: `http://127.0.0.1:${port}`,
        'content-type': 'Application/JSON; charset=utf-8',
      },
      '{"ms": 1000}',
    );
    expect(ok.status).toBe(200);
    expect(await clockNow()).toBe(before + 1000);
    // A change without a body needs the JSON type too; the shared headers send it.
    const reset = await send(base, 'POST', '/api/stats/reset', { host: own, ...observerHeaders('POST') });
    expect(reset.status).toBe(200);
  });
});

describe('observer guard, with --observer-token', () => {
  const TOKEN = 'correct-horse-battery-staple';
  let site: RunningSite;
  let base: string;
  let own: string;

  beforeAll(async () => {
    site = await startLocalSite({ catalog: { leafUpdates: 12 }, observerToken: TOKEN });
    base = site.urls.observer;
    own = new URL(base).host;
  });
  afterAll(() => site.stop());

  it('needs the bearer token on every route, reads included', async () => {
    const none = await send(base, 'GET', '/api/stats', { host: own });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(none.json.error).toMatch(/needs "Authorization: Bearer <token>"/);
    const wrong = await send(base, 'GET', '/api/backlog', { host: own, authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).not.toContain(TOKEN);
    const basic = await send(base, 'GET', '/api/backlog', { host: own, authorization: `Basic ${TOKEN}` });
    expect(basic.status).toBe(401);
    const right = await send(base, 'GET', '/api/stats', { host: own, ...observerHeaders('GET', TOKEN) });
    expect(right.status).toBe(200);
  });

  it('refuses a change with a wrong token and nothing changes', async () => {
    const before = site.model.clock.now();
    const res = await send(
      base,
      'POST',
      '/api/clock/advance',
      { host: own, ...observerHeaders('POST', 'guess') },
      '{"hours": 1}',
    );
    expect(res.status).toBe(401);
    expect(site.model.clock.now()).toBe(before);
  });

  it("the project's observer clients send the token and the JSON type", async () => {
    const run = new ObserverClient(base, TOKEN);
    const conformanceHttp = new HttpClient({ timeoutMs: 5000 });
    try {
      const before = await run.siteTime();
      await run.call('POST', '/api/clock/advance', { ms: 500 });
      await run.call('POST', '/api/stats/reset');
      expect(await run.siteTime()).toBe(before + 500);
      await expect(new ObserverClient(base).siteTime()).rejects.toThrow(/HTTP 401/);

      const checks = new ConformanceObserverClient(new URL(base), conformanceHttp, TOKEN);
      await checks.post('/api/clock/advance', { ms: 500 });
      expect(await run.siteTime()).toBe(before + 1000);

      expect(await fetchBacklog(base, { token: TOKEN })).toMatchObject({ depth: 0 });
      expect(await fetchBacklog(base)).toBeUndefined();
    } finally {
      await run.close();
      await conformanceHttp.close();
    }
  });

  it('refuses a token that cannot be a bearer token before anything starts', async () => {
    await expect(startLocalSite({ observerToken: 'has space' })).rejects.toThrow(InvalidInputError);
    await expect(startLocalSite({ observerToken: '' })).rejects.toThrow(/observerToken: expected 1 to 1024/);
  });
});
