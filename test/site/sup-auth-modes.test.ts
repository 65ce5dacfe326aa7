// The SUP's authorization modes (W-AUTH) and time styles (W-TIME): what GetConfig advertises, where
// GetAuthorizationCookie is answered, what GetCookie accepts, and the option checks that run first.
import { describe, expect, it } from 'vitest';
import { formatWsusTime, parseWsusResponse, parseWsusTime } from '../../protocol/wsus/index.ts';
import { resolveSiteOptions } from '../../site/options.ts';
import { startLocalSite } from '../local-site.ts';
import { bodyText, call, makeSup, send, siteRequest, soapRequest, T0 } from './sup-fixtures.ts';

const CONFIG = { operation: 'GetConfig', protocolVersion: '2.90' } as const;
const cookieRequest = (authCookies: { plugInId: string; cookieData: string }[]) =>
  ({
    operation: 'GetCookie',
    authCookies,
    lastChange: formatWsusTime(T0, 'wsus'),
    currentTime: formatWsusTime(T0, 'wsus'),
    protocolVersion: '2.90',
  }) as const;
const AUTH = { operation: 'GetAuthorizationCookie', clientId: 'abc-1', dnsName: 'pc1.test' } as const;

describe('SUP auth modes', () => {
  it("'simple' (default): SimpleTargeting at SimpleAuthWebService/SimpleAuth.asmx, as real WSUS", async () => {
    const t = makeSup({ leafUpdates: 5 });
    const config = await call(t.sup, CONFIG);
    expect(config.authPlugIns).toEqual([
      { plugInId: 'SimpleTargeting', serviceUrl: 'SimpleAuthWebService/SimpleAuth.asmx', parameter: '' },
    ]);
    expect(config.isRegistrationRequired).toBe(true);
    // Exactly one authorization cookie is required ([MS-WUSP] §3.1.5.4).
    const empty = await send(t.sup, soapRequest(cookieRequest([])));
    expect(bodyText(empty)).toContain('<ErrorCode>InvalidParameters</ErrorCode>');
  });

  it("'anonymous': only the Anonymous plug-in, no SimpleAuth service, GetCookie with no authorization cookie", async () => {
    const t = makeSup({ leafUpdates: 5, config: { auth: 'anonymous' } });
    const config = await call(t.sup, CONFIG);
    expect(config.authPlugIns).toEqual([{ plugInId: 'Anonymous', serviceUrl: '', parameter: '' }]);
    expect(config.isRegistrationRequired).toBe(false);
    const auth = await send(t.sup, soapRequest(AUTH));
    expect(auth.status).toBe(404);
    const cookie = await call(t.sup, cookieRequest([]));
    expect(parseWsusTime(cookie.expiration)).toBe(T0 + 60 * 60_000);
    // No registration to ask for: SyncUpdates answers at once.
    const sync = await call(t.sup, {
      operation: 'SyncUpdates',
      cookie,
      expressQuery: false,
      skipSoftwareSync: false,
    });
    expect(sync.newUpdates.length).toBeGreaterThan(0);
  });

  it('authServiceUrl moves the SimpleAuth service: advertised there, answered there only', async () => {
    const t = makeSup({ leafUpdates: 5, config: { authServiceUrl: 'PatchstormAuth/Targeting.asmx' } });
    const config = await call(t.sup, CONFIG);
    expect(config.authPlugIns[0]).toMatchObject({ serviceUrl: 'PatchstormAuth/Targeting.asmx' });
    const at = (path: string) => ({ ...soapRequest(AUTH), url: siteRequest('POST', path).url });
    expect((await send(t.sup, at('/SimpleAuthWebService/SimpleAuth.asmx'))).status).toBe(404);
    const moved = await send(t.sup, at('/patchstormauth/targeting.asmx'));
    expect(moved.status).toBe(200);
    expect(parseWsusResponse('GetAuthorizationCookie', bodyText(moved)).plugInId).toBe('SimpleTargeting');
  });

  it('the listener routes a moved service to the SUP (real sockets)', async () => {
    const site = await startLocalSite({ authServiceUrl: 'PatchstormAuth/Targeting.asmx' });
    try {
      const req = soapRequest(AUTH);
      const post = (path: string) =>
        fetch(site.urls.supHttp + path, {
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: String(req.headers.soapaction) },
          body: req.body,
        });
      expect((await post('/PatchstormAuth/Targeting.asmx')).status).toBe(200);
      expect((await post('/SimpleAuthWebService/SimpleAuth.asmx')).status).toBe(404);
    } finally {
      await site.stop();
    }
  });

  it('timeStyle writes every SUP timestamp in that style', async () => {
    const t = makeSup({ leafUpdates: 5, config: { timeStyle: 'plain', auth: 'anonymous' } });
    const config = await call(t.sup, CONFIG);
    expect(config.lastChange).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    const cookie = await call(t.sup, cookieRequest([]));
    expect(cookie.expiration).toBe(formatWsusTime(T0 + 60 * 60_000, 'plain'));
  });

  it('refuses bad options before anything starts, naming the field', () => {
    expect(() => resolveSiteOptions({ auth: 'kerberos' as 'simple' })).toThrow(/^auth: got "kerberos"/);
    expect(() => resolveSiteOptions({ authServiceUrl: '../x.asmx' })).toThrow(
      /authServiceUrl: got "..\/x.asmx"/,
    );
    expect(() => resolveSiteOptions({ authServiceUrl: 'ClientWebService/client.asmx' })).toThrow(
      /another SUP service/,
    );
    expect(() => resolveSiteOptions({ auth: 'anonymous', authServiceUrl: 'A/B.asmx' })).toThrow(
      /an anonymous SUP has no authorization service/,
    );
    expect(() => resolveSiteOptions({ timeStyle: 'local' as 'wsus' })).toThrow(/^timeStyle: got "local"/);
  });
});
