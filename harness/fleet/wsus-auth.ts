// W-AUTH: which authorization a client uses, from GetConfig's AuthInfo. SimpleTargeting (real WSUS) has
// an authorization service at its ServiceUrl, relative to the SUP's URL: the client calls
// GetAuthorizationCookie there, never at a fixed path. The Anonymous plug-in (the Python and PHP peers)
// has no service: the client calls none and asks GetCookie with no authorization cookie. Anything else
// is a server this client cannot talk to, named as such. Shared by harness/driver and the swarm.
import type { AuthPlugIn } from '../../protocol/wsus/index.ts';

export type WsusAuthorization =
  | {
      kind: 'service';
      plugInId: string;
      /** Where GetAuthorizationCookie goes: a path from the SUP's root ("/SimpleAuthWebService/…"), or
       *  an absolute URL when the server advertised one. */
      serviceUrl: string;
    }
  | { kind: 'anonymous' }
  | { kind: 'unusable'; reason: string };

/** What real WSUS advertises; also what a client assumes before it has read any GetConfig. */
export const SIMPLE_TARGETING: WsusAuthorization = {
  kind: 'service',
  plugInId: 'SimpleTargeting',
  serviceUrl: '/SimpleAuthWebService/SimpleAuth.asmx',
};

const ANONYMOUS: WsusAuthorization = { kind: 'anonymous' };

export function authorizationFrom(plugIns: readonly AuthPlugIn[]): WsusAuthorization {
  const simple = plugIns.find((p) => p.plugInId === 'SimpleTargeting');
  if (simple) {
    const url = simple.serviceUrl.trim();
    if (url === '') return { kind: 'unusable', reason: 'AuthInfo: SimpleTargeting without a ServiceUrl' };
    return { kind: 'service', plugInId: 'SimpleTargeting', serviceUrl: relativeToSup(url) };
  }
  if (plugIns.some((p) => p.plugInId === 'Anonymous')) return ANONYMOUS;
  const named = plugIns.map((p) => JSON.stringify(p.plugInId)).join(', ');
  return {
    kind: 'unusable',
    reason: `AuthInfo advertises ${named || 'no plug-in'}; a client supports SimpleTargeting or Anonymous`,
  };
}

/** Splits where the service is into the origin to send to and the request path. */
export function authorizationTarget(supOrigin: string, serviceUrl: string): { origin: string; path: string } {
  const absolute = /^(https?:\/\/[^/]+)(\/.*)?$/i.exec(serviceUrl);
  if (absolute) return { origin: absolute[1]!, path: absolute[2] ?? '/' };
  return { origin: supOrigin, path: serviceUrl };
}

/** ServiceUrl is relative to "http://server:port/" ([MS-WUSP] §2.2.2.2.1); an absolute one stays so. */
function relativeToSup(url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return url.startsWith('/') ? url : `/${url}`;
}
