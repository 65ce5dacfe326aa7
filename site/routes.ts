// Which front-end answers a request, from the listener it arrived on and the first path segment.
// SUP listeners carry the WSUS web services and (HTTP only) content; MP listeners carry the MP and,
// under the SMS_DP_* virtual directories, the DP (a DP co-located with the MP, as on small sites).
import type { FrontEnd } from './types.ts';

export type ListenerRole = 'sup' | 'mp';

export type Route =
  | { kind: 'frontEnd'; frontEnd: FrontEnd }
  /** Answered by the shell itself without calling a front-end (counted under frontEnd/operation). */
  | { kind: 'refuse'; frontEnd: FrontEnd; operation: string; status: number; reason: string }
  | { kind: 'unknown' };

const SUP_SEGMENTS = new Set([
  'clientwebservice',
  'simpleauthwebservice',
  'reportingwebservice',
  'selfupdate',
]);
const MP_SEGMENTS = new Set(['sms_mp', 'ccm_system', 'ccm_system_windowsauth']);
const DP_SEGMENTS = new Set([
  'sms_dp_smspkg$',
  'nocert_sms_dp_smspkg$',
  'sms_dp_smssig$',
  'nocert_sms_dp_smssig$',
]);

const SUP: Route = { kind: 'frontEnd', frontEnd: 'sup' };
const MP: Route = { kind: 'frontEnd', frontEnd: 'mp' };
const DP: Route = { kind: 'frontEnd', frontEnd: 'dp' };
const UNKNOWN: Route = { kind: 'unknown' };
/** WSUS content is fetched over the HTTP content port even when the web services use SSL, and a fetch on
 *  the HTTPS port fails (protocol-reference §1.1, W-PORTS). We answer 404, as IIS does for a virtual
 *  directory that the binding does not serve, rather than 403: nothing about the client's credentials or
 *  certificate would make the request succeed on this port. */
const CONTENT_OVER_HTTPS: Route = {
  kind: 'refuse',
  frontEnd: 'sup',
  operation: 'Content',
  status: 404,
  reason: 'WSUS content is served on the HTTP content port only, not over HTTPS',
};

/**
 * `extraSupSegments`: first segments (lower case) of SUP services at non-default paths, e.g. an
 * authorization service the SUP advertises at another ServiceUrl (W-AUTH).
 */
export function routeRequest(
  role: ListenerRole,
  secure: boolean,
  rawPath: string,
  extraSupSegments?: ReadonlySet<string>,
): Route {
  const segment = firstSegment(rawPath);
  if (role === 'sup') {
    if (segment === 'content') return secure ? CONTENT_OVER_HTTPS : SUP;
    return SUP_SEGMENTS.has(segment) || extraSupSegments?.has(segment) ? SUP : UNKNOWN;
  }
  if (DP_SEGMENTS.has(segment)) return DP;
  return MP_SEGMENTS.has(segment) ? MP : UNKNOWN;
}

/** First path segment, lower-cased (IIS paths are case-insensitive) and percent-decoded ($ may arrive
 *  as %24). */
export function firstSegment(rawPath: string): string {
  let end = rawPath.length;
  for (let i = 1; i < rawPath.length; i++) {
    const ch = rawPath.charCodeAt(i);
    if (ch === 47 /* / */ || ch === 63 /* ? */ || ch === 35 /* # */) {
      end = i;
      break;
    }
  }
  let segment = rawPath.slice(1, end).toLowerCase();
  if (segment.includes('%')) {
    try {
      segment = decodeURIComponent(segment);
    } catch {
      // A malformed escape is just an unknown path.
    }
  }
  return segment;
}
