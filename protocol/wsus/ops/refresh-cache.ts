// RefreshCache: after ServerChanged/InvalidCookie, maps the client's cached global ids to this server's
// revision ids. No capture exists; element order follows [MS-WUSP] §3.1.5.8 / the WSDL.
import type { RefreshCacheRequest, RefreshCacheResult } from '../types.ts';
import { elements, optBool, optElement, optText, reqBool, reqElement, reqInt } from '../xml-read.ts';
import { el, optTextEl, textEl } from '../xml-write.ts';
import {
  readCookie,
  readDeployment,
  readUpdateIdentity,
  writeCookie,
  writeDeployment,
  writeUpdateIdentity,
} from './common.ts';
import type { OpCodec } from './codec.ts';

export const refreshCacheCodec: OpCodec<'RefreshCache'> = {
  writeRequest: (req) =>
    writeCookie('cookie', req.cookie) +
    el('globalIDs', req.globalIds.map((g) => writeUpdateIdentity('UpdateIdentity', g)).join('')) +
    optTextEl('deviceAttributes', req.deviceAttributes),

  readRequest(node) {
    const where = 'RefreshCache';
    const req: RefreshCacheRequest = {
      cookie: readCookie(node, 'cookie', where),
      globalIds: elements(reqElement(node, 'globalIDs', where), 'UpdateIdentity').map((g, i) =>
        readUpdateIdentity(g, `${where}/globalIDs/UpdateIdentity[${i}]`),
      ),
    };
    const device = optText(node, 'deviceAttributes');
    if (device !== undefined) req.deviceAttributes = device;
    return req;
  },

  writeResponse(res) {
    let inner = '';
    for (const r of res.results) {
      inner += el(
        'RefreshCacheResult',
        textEl('RevisionID', r.revisionId) +
          writeUpdateIdentity('GlobalID', r.globalId) +
          textEl('IsLeaf', r.isLeaf) +
          (r.deployment ? writeDeployment(r.deployment) : '') +
          optTextEl('IsShared', r.isShared),
      );
    }
    return el('RefreshCacheResult', inner);
  },

  readResponse(node) {
    const outer = reqElement(node, 'RefreshCacheResult', 'RefreshCacheResponse');
    const results = elements(outer, 'RefreshCacheResult').map((r, i) => {
      const where = `RefreshCacheResponse/RefreshCacheResult/RefreshCacheResult[${i}]`;
      const result: RefreshCacheResult = {
        revisionId: reqInt(r, 'RevisionID', where),
        globalId: readUpdateIdentity(reqElement(r, 'GlobalID', where), `${where}/GlobalID`),
        isLeaf: reqBool(r, 'IsLeaf', where),
      };
      const deployment = optElement(r, 'Deployment');
      if (deployment) result.deployment = readDeployment(deployment, `${where}/Deployment`);
      const shared = optBool(r, 'IsShared', where);
      if (shared !== undefined) result.isShared = shared;
      return result;
    });
    return { results };
  },
};
