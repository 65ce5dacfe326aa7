// The reference site's distribution point (co-located with the MP, under its SMS_DP_* virtual
// directories): every catalog update file at /SMS_DP_SMSPKG$/<contentId>/<fileName> (and the NOCERT_
// and sccm? forms), with what BITS needs (protocol-reference §3.2): HEAD with the size, single ranges as
// 206 with Content-Range, 416 when unsatisfiable, and a PROPFIND manifest of the content folder.
// Bytes come from catalog.contentBytes, the same bytes the catalog's SHA-1/SHA-256 were computed over.
import {
  buildPropfindResponse,
  type ByteRange,
  type ContentPath,
  DpProtocolError,
  formatContentRange,
  parseContentPath,
  parseRange,
} from '../../protocol/dp/index.ts';
import type { CatalogFile } from '../catalog/types.ts';
import type { SiteModel } from '../model.ts';
import type { FrontEndHandler, SiteReply, SiteRequest } from '../types.ts';

export type DpOperation = 'DP.HEAD' | 'DP.GET' | 'DP.Range' | 'DP.PROPFIND' | 'Unknown';

const TEXT = 'text/plain; charset=utf-8';
const reply = (status: number, text: string): SiteReply => ({
  status,
  headers: { 'content-type': TEXT },
  body: text,
});
const NOT_FOUND = reply(404, 'Not Found');
const BAD_REQUEST = reply(400, 'Bad Request');
const METHOD_NOT_ALLOWED: SiteReply = {
  ...reply(405, 'Method Not Allowed'),
  headers: { 'content-type': TEXT, allow: 'GET, HEAD, PROPFIND' },
};
const BUSY = reply(503, 'Service Unavailable');

export function createDpFrontEnd(model: SiteModel): FrontEndHandler {
  return {
    frontEnd: 'dp',
    operationOf: dpOperationOf,
    handle: (req) => handleDp(model, req),
    busyReply: () => BUSY,
  };
}

export function dpOperationOf(req: SiteRequest): DpOperation {
  switch (req.method) {
    case 'HEAD':
      return 'DP.HEAD';
    case 'GET':
      return req.headers.range === undefined ? 'DP.GET' : 'DP.Range';
    case 'PROPFIND':
      return 'DP.PROPFIND';
    default:
      return 'Unknown';
  }
}

function handleDp(model: SiteModel, req: SiteRequest): SiteReply {
  let path: ContentPath | undefined;
  try {
    path = parseContentPath(req.url.pathname + req.url.search);
  } catch (err) {
    if (err instanceof DpProtocolError) return BAD_REQUEST;
    throw err;
  }
  // Signatures (SMS_DP_SMSSIG$) are not produced by this site: software-update files are verified by
  // their SHA-1 from the update metadata, not by a package signature.
  if (path === undefined || path.share !== 'content') return NOT_FOUND;
  const found = model.catalog.fileByContentId(path.contentId);
  if (found === undefined) return NOT_FOUND;
  const { file } = found;
  const method = req.method;
  if (method === 'PROPFIND') return propfind(req, path, file);
  if (method !== 'GET' && method !== 'HEAD') return METHOD_NOT_ALLOWED;
  if (path.fileName === undefined || path.fileName.toLowerCase() !== file.fileName.toLowerCase())
    return NOT_FOUND;
  if (method === 'HEAD')
    return { status: 200, headers: { ...fileHeaders(file), 'content-length': file.size } };
  return get(model, req, file);
}

function fileHeaders(file: CatalogFile): Record<string, string> {
  return {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    etag: `"${file.sha1.toString('hex')}"`,
  };
}

function get(model: SiteModel, req: SiteRequest, file: CatalogFile): SiteReply {
  const header = req.headers.range;
  const ignoreRange = model.violations.has('ignore-range');
  const range = ignoreRange ? undefined : parseRange(Array.isArray(header) ? header[0] : header, file.size);
  if (range === 'unsatisfiable') {
    return {
      status: 416,
      headers: { ...fileHeaders(file), 'content-range': formatContentRange('unsatisfiable', file.size) },
      body: '',
    };
  }
  // Several ranges are answered with the whole file, which RFC 9110 allows and BITS copes with.
  if (range === undefined || range === 'multiple') {
    return {
      status: 200,
      headers: fileHeaders(file),
      body: bytes(model, file, { start: 0, end: file.size - 1 }),
    };
  }
  return {
    status: 206,
    headers: { ...fileHeaders(file), 'content-range': formatContentRange(range, file.size) },
    body: bytes(model, file, range),
  };
}

/** The file's bytes for an inclusive range; 'wrong-content-hash' flips the middle byte of the file. */
function bytes(model: SiteModel, file: CatalogFile, range: ByteRange): Buffer {
  if (file.size === 0) return Buffer.alloc(0);
  const buf = model.catalog.contentBytes(file, range.start, range.end + 1);
  if (model.violations.has('wrong-content-hash')) {
    const flip = Math.floor(file.size / 2);
    if (flip >= range.start && flip <= range.end) {
      const copy = Buffer.from(buf);
      copy[flip - range.start]! ^= 0xff;
      return copy;
    }
  }
  return buf;
}

function propfind(req: SiteRequest, path: ContentPath, file: CatalogFile): SiteReply {
  const share = `${path.noCert ? 'NOCERT_' : ''}SMS_DP_SMSPKG$`;
  const folderUrl = `${req.url.protocol}//${req.url.host}/${share}/${encodeURIComponent(path.contentId)}`;
  const body = buildPropfindResponse(folderUrl, [{ name: file.fileName, size: file.size }]);
  return { status: 207, headers: { 'content-type': 'text/xml; charset="utf-8"' }, body };
}
