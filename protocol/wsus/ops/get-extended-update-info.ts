// GetExtendedUpdateInfo: revision ids + fragment types -> fragments and file locations.
import type { GetExtendedUpdateInfoRequest, GetExtendedUpdateInfoResponse } from '../types.ts';
import {
  elements,
  optElement,
  optIntList,
  optText,
  optTextList,
  reqElement,
  reqInt,
  reqText,
} from '../xml-read.ts';
import { el, escapeText, optIntsEl, optListEl, optTextEl, textEl } from '../xml-write.ts';
import { readCookie, readFileLocations, writeCookie, writeFileLocations } from './common.ts';
import type { OpCodec } from './codec.ts';

const WHERE = 'GetExtendedUpdateInfoResponse/GetExtendedUpdateInfoResult';

export const getExtendedUpdateInfoCodec: OpCodec<'GetExtendedUpdateInfo'> = {
  writeRequest: (req) =>
    writeCookie('cookie', req.cookie) +
    optIntsEl('revisionIDs', req.revisionIds) +
    optListEl('infoTypes', 'XmlUpdateFragmentType', req.infoTypes) +
    optListEl('locales', 'string', req.locales) +
    optTextEl('deviceAttributes', req.deviceAttributes) +
    optTextEl('GeoId', req.geoId) +
    optTextEl('callerAttributes', req.callerAttributes),

  readRequest(node) {
    const where = 'GetExtendedUpdateInfo';
    const req: GetExtendedUpdateInfoRequest = {
      cookie: readCookie(node, 'cookie', where),
      revisionIds: optIntList(node, 'revisionIDs', where) ?? [],
      infoTypes: optTextList(node, 'infoTypes', 'XmlUpdateFragmentType') ?? [],
      locales: optTextList(node, 'locales', 'string') ?? [],
    };
    const device = optText(node, 'deviceAttributes');
    if (device !== undefined) req.deviceAttributes = device;
    const geo = optText(node, 'GeoId');
    if (geo !== undefined) req.geoId = geo;
    const caller = optText(node, 'callerAttributes');
    if (caller !== undefined) req.callerAttributes = caller;
    return req;
  },

  writeResponse(res) {
    let updates = '';
    for (const u of res.updates)
      updates += `<Update>${textEl('ID', u.id)}<Xml>${escapeText(u.xml)}</Xml></Update>`;
    return el(
      'GetExtendedUpdateInfoResult',
      el('Updates', updates) +
        (res.fileLocations.length > 0 ? writeFileLocations(res.fileLocations) : '') +
        (res.outOfScopeRevisionIds.length > 0
          ? optIntsEl('OutOfScopeRevisionIDs', res.outOfScopeRevisionIds)
          : ''),
    );
  },

  readResponse(node): GetExtendedUpdateInfoResponse {
    const r = reqElement(node, 'GetExtendedUpdateInfoResult', 'GetExtendedUpdateInfoResponse');
    return {
      updates: elements(optElement(r, 'Updates') ?? {}, 'Update').map((u, i) => ({
        id: reqInt(u, 'ID', `${WHERE}/Updates/Update[${i}]`),
        xml: reqText(u, 'Xml', `${WHERE}/Updates/Update[${i}]`),
      })),
      fileLocations: readFileLocations(r, `${WHERE}/FileLocations`),
      outOfScopeRevisionIds: optIntList(r, 'OutOfScopeRevisionIDs', WHERE) ?? [],
    };
  },
};
