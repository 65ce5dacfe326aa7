// Web services a misconfigured WSUS does not really offer, switched on only by named violations: the
// SimpleAuth service missing behind an advertised SimpleTargeting plug-in ('no-simpleauth-service'), and
// an HTTPS binding on which only GetConfig works ('https-getconfig-only'). Answered the way IIS answers a
// missing application or a broken binding: an HTML error page, never a SOAP fault.
import { operationFromSoapAction } from '../../protocol/wsus/index.ts';
import type { SiteReply, SiteRequest } from '../types.ts';
import type { SupContext } from './context.ts';
import { httpError } from './replies.ts';

const SIMPLE_AUTH_PATH = '/simpleauthwebservice/simpleauth.asmx';

/** The reply of a service that is not there, or undefined when the request reaches WSUS normally. */
export function brokenServiceReply(ctx: SupContext, site: SiteRequest, path: string): SiteReply | undefined {
  if (ctx.violates('no-simpleauth-service') && path === SIMPLE_AUTH_PATH) return httpError(404);
  if (ctx.violates('https-getconfig-only') && site.secure) {
    const action = site.headers.soapaction;
    const op = operationFromSoapAction(String(Array.isArray(action) ? action[0] : (action ?? '')));
    if (op !== 'GetConfig') return httpError(500);
  }
  return undefined;
}
