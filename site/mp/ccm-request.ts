// Reads a CCM_POST once per request: operationOf() needs the TargetEndpoint (and, for the location
// manager, the body's root element) before handle() runs, so the parse is cached per request object.
import {
  type MpEndpoint,
  endpointFromTarget,
  type ParsedCcmPost,
  parseCcmPost,
} from '../../protocol/mp/index.ts';
import { MpProtocolError } from '../../protocol/mp/index.ts';
import { XmlError } from '../../protocol/xml.ts';
import type { SiteRequest } from '../types.ts';
import { NODE_CCM_PARSE } from './node-ccm-parse.ts';

export const CCM_PATHS = new Set(['/ccm_system/request', '/ccm_system_windowsauth/request']);

export type CcmRead =
  | { ok: true; post: ParsedCcmPost; endpoint: MpEndpoint | undefined }
  /** Answered 400; `reason` names the failure for counting. */
  | { ok: false; status: 400; reason: string };

const cache = new WeakMap<SiteRequest, CcmRead>();

export function isCcmPath(req: SiteRequest): boolean {
  return CCM_PATHS.has(req.url.pathname.toLowerCase());
}

export function readCcmPost(req: SiteRequest): CcmRead {
  let read = cache.get(req);
  if (read === undefined) {
    read = parse(req);
    cache.set(req, read);
  }
  return read;
}

function parse(req: SiteRequest): CcmRead {
  const contentType = String(req.headers['content-type'] ?? '');
  try {
    const post = parseCcmPost(contentType, req.body, NODE_CCM_PARSE);
    return {
      ok: true,
      post,
      endpoint: endpointFromTarget(post.header.targetEndpoint || post.header.targetAddress),
    };
  } catch (err) {
    // Bytes no client could have meant (framing, a payload that does not inflate, text that is not
    // UTF-16) are the client's fault: 400, never a server error a load run would count against the MP.
    if (err instanceof MpProtocolError) return { ok: false, status: 400, reason: err.kind };
    if (err instanceof XmlError) return { ok: false, status: 400, reason: `header-${err.kind}` };
    throw err;
  }
}

/** Root element name of a payload, read without a full parse (`<WSUSLocationRequest ...>` -> its name). */
export function rootElementOf(body: string): string {
  const m = /<([A-Za-z_][\w.-]*)/.exec(body.replace(/^\s*<\?xml[^>]*\?>/, ''));
  return m?.[1] ?? '';
}
