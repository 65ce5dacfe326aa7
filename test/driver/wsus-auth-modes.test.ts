// W-AUTH: the scan client follows GetConfig's AuthInfo against the reference site in each auth mode. An
// anonymous SUP (only the Anonymous plug-in, no SimpleAuth service: the PHP/Python peers) gets no
// GetAuthorizationCookie at all, not even when the cookie is renewed; a SUP that advertises
// SimpleTargeting at another ServiceUrl is asked there (its default path answers 404). Until issue 10
// the client called /SimpleAuthWebService/SimpleAuth.asmx whatever GetConfig said, and failed both.
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpResponse } from '../../harness/driver/http.ts';
import { WsusScanClient } from '../../harness/driver/wsus-client.ts';
import type { RunningSite, StartSiteOptions } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';

const T0 = Date.parse('2026-10-01T08:00:00Z');

/** Keeps the path of every request. */
class PathRecordingHttp extends HttpClient {
  readonly paths: string[] = [];

  override async send(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Uint8Array | string,
  ): Promise<HttpResponse> {
    this.paths.push(new URL(url).pathname);
    return super.send(method, url, headers, body);
  }
}

let site: RunningSite | undefined;
let http: PathRecordingHttp | undefined;

afterEach(async () => {
  await http?.close();
  await site?.stop();
  http = undefined;
  site = undefined;
});

async function clientOf(options: StartSiteOptions): Promise<WsusScanClient> {
  site = await startLocalSite({ clock: { start: T0 }, catalog: { seed: 3, leafUpdates: 60 }, ...options });
  http = new PathRecordingHttp();
  const clock = site.model.clock;
  return new WsusScanClient(http, {
    supUrl: site.urls.supHttp,
    computerName: 'PS-AUTH-1',
    now: () => clock.now(),
  });
}

describe('WsusScanClient and GetConfig AuthInfo', () => {
  it('anonymous SUP: no authorization service is called, GetCookie goes without an authorization cookie', async () => {
    const client = await clientOf({ auth: 'anonymous' });
    const cold = await client.coldScan();
    expect(cold.ok, JSON.stringify(cold.failure)).toBe(true);
    expect(cold.operations.GetAuthorizationCookie).toBeUndefined();
    expect(cold.operations.GetCookie?.requests).toBe(1);
    // GetConfig said IsRegistrationRequired=false: WUA does not register.
    expect(cold.operations.RegisterComputer).toBeUndefined();
    expect(cold.newUpdateIds.length).toBeGreaterThan(0);

    // The cookie expires: renewed, again without an authorization service.
    site!.model.clock.advance(61 * 60_000);
    const warm = await client.warmScan();
    expect(warm.ok, JSON.stringify(warm.failure)).toBe(true);
    expect(warm.operations.GetCookie?.requests).toBe(1);
    expect(warm.operations.GetAuthorizationCookie).toBeUndefined();
    expect(http!.paths.filter((p) => p.toLowerCase().includes('simpleauth'))).toEqual([]);
    expect(site!.stats.counters('sup', 'GetAuthorizationCookie').requests).toBe(0);
  });

  it('SimpleTargeting at a non-default ServiceUrl: GetAuthorizationCookie goes there', async () => {
    const client = await clientOf({ authServiceUrl: 'PatchstormAuth/Targeting.asmx' });
    const cold = await client.coldScan();
    expect(cold.ok, JSON.stringify(cold.failure)).toBe(true);
    expect(cold.operations.GetAuthorizationCookie?.requests).toBe(1);
    expect(http!.paths).toContain('/PatchstormAuth/Targeting.asmx');
    expect(http!.paths).not.toContain('/SimpleAuthWebService/SimpleAuth.asmx');
    expect(cold.operations.RegisterComputer?.requests).toBe(1);
  });
});
