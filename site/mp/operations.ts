// The MP's operation names for stats and fault injection, decided from method, path, query and (for
// CCM_POST) the message's TargetEndpoint.
import { MP_AUT_PATH, MP_POLICY_PATH, MpEndpoint, mpAutQueryOf } from '../../protocol/mp/index.ts';
import type { SiteRequest } from '../types.ts';
import { isCcmPath, readCcmPost, rootElementOf } from './ccm-request.ts';

export type MpOperation =
  | 'MPLIST'
  | 'MPKEYINFORMATION'
  | 'Registration'
  | 'PolicyAssignments'
  | 'PolicyBody'
  | 'WsusLocation'
  | 'ContentLocation'
  | 'StateMessage'
  | 'Unknown';

export function mpOperationOf(req: SiteRequest): MpOperation {
  const path = req.url.pathname.toLowerCase();
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (path === MP_AUT_PATH.toLowerCase()) {
      const q = mpAutQueryOf(req.url.search);
      return q === 'MPLIST' || q === 'MPKEYINFORMATION' ? q : 'Unknown';
    }
    if (path === MP_POLICY_PATH.toLowerCase()) return 'PolicyBody';
    return 'Unknown';
  }
  if (req.method !== 'CCM_POST' || !isCcmPath(req)) return 'Unknown';
  const read = readCcmPost(req);
  if (!read.ok) return 'Unknown';
  switch (read.endpoint) {
    case MpEndpoint.ClientRegistration:
      return 'Registration';
    case MpEndpoint.PolicyManager:
      return 'PolicyAssignments';
    case MpEndpoint.Relay:
      return 'StateMessage';
    case MpEndpoint.LocationManager: {
      const root = rootElementOf(read.post.body);
      if (root === 'WSUSLocationRequest') return 'WsusLocation';
      if (root === 'ContentLocationRequest') return 'ContentLocation';
      return 'Unknown';
    }
    default:
      return 'Unknown';
  }
}
