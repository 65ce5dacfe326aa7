// GetFileLocations: file digests -> download URLs (after a FileLocationChanged fault or a server change).
import { optTextList, reqElement } from '../xml-read.ts';
import { el, optListEl } from '../xml-write.ts';
import { readCookie, readFileLocations, writeCookie, writeFileLocations } from './common.ts';
import type { OpCodec } from './codec.ts';

export const getFileLocationsCodec: OpCodec<'GetFileLocations'> = {
  writeRequest: (req) =>
    writeCookie('cookie', req.cookie) + optListEl('fileDigests', 'base64Binary', req.fileDigests),
  readRequest: (node) => ({
    cookie: readCookie(node, 'cookie', 'GetFileLocations'),
    fileDigests: optTextList(node, 'fileDigests', 'base64Binary') ?? [],
  }),
  writeResponse: (res) =>
    el(
      'GetFileLocationsResult',
      writeFileLocations(res.fileLocations) + writeCookie('NewCookie', res.newCookie),
    ),
  readResponse(node) {
    const where = 'GetFileLocationsResponse/GetFileLocationsResult';
    const r = reqElement(node, 'GetFileLocationsResult', 'GetFileLocationsResponse');
    return {
      fileLocations: readFileLocations(r, `${where}/FileLocations`),
      newCookie: readCookie(r, 'NewCookie', where),
    };
  },
};
