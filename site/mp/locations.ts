// MP_LocationManager: where the client's SUPs are (WSUS location) and which DP holds a content id
// (content location). The SUP URLs come from the shell with their real ports (behaviour.md W-PORTS); an
// empty WSUS reply is what a real MP gives a client whose content version the site has not synced.
import {
  CALG_SHA_256,
  type ContentLocationReply,
  type ContentLocationRequest,
  type WsusLocationReply,
  type WsusLocationRequest,
} from '../../protocol/mp/index.ts';
import type { SiteModel } from '../model.ts';

export interface SupUrls {
  http: string;
  https: string;
}

export function wsusLocationReply(
  model: SiteModel,
  sup: SupUrls,
  siteVersion: number,
  req: WsusLocationRequest,
): WsusLocationReply {
  const siteCode = model.config.siteCode;
  const sameSource = stripBraces(req.updateSourceId) === stripBraces(model.catalog.updateSourceId);
  if (!sameSource || req.contentVersion > siteVersion) return { siteCode, records: [] };
  let { http, https } = sup;
  if (model.violations.has('location-wrong-ports')) {
    // The classic misconfiguration: WSUS on its custom site (8530/8531) but the SUP role set to 80/443.
    http = `http://${new URL(http).hostname}:80`;
    https = `https://${new URL(https).hostname}:443`;
  }
  const records = [{ wsusUrl: http, serverName: new URL(http).hostname, version: siteVersion }];
  // 'location-no-https': the SUP has an HTTPS binding, but the reply names only its HTTP one (W-PORTS).
  if (!model.violations.has('location-no-https')) {
    records.push({ wsusUrl: https, serverName: new URL(https).hostname, version: siteVersion });
  }
  return { siteCode, records };
}

/**
 * DP records for one content id: the DP is co-located with the MP, so its URL is the origin the client
 * reached the MP on (HTTPS clients get the NOCERT form, as a DP without client-certificate checks serves).
 */
export function contentLocationReply(
  model: SiteModel,
  origin: URL,
  req: ContentLocationRequest,
): ContentLocationReply {
  const siteCode = model.config.siteCode;
  const found = model.catalog.fileByContentId(req.contentId);
  if (found === undefined || !req.allowHttp) return { siteCode, records: [], contentHashes: [] };
  const secure = origin.protocol === 'https:';
  const base = `${origin.protocol}//${origin.host}/${secure ? 'NOCERT_' : ''}SMS_DP_SMSPKG$/${found.file.contentId}`;
  return {
    siteCode,
    records: [
      {
        url: base,
        serverRemoteName: base,
        dpType: 'SERVER',
        locality: 'LOCAL',
        version: req.version || 1,
      },
    ],
    contentHashes: [{ algorithm: CALG_SHA_256, value: found.file.sha256.toString('hex').toUpperCase() }],
  };
}

function stripBraces(id: string): string {
  return id.replace(/[{}]/g, '').toLowerCase();
}
