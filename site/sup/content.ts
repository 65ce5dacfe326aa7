// WSUS content on the SUP's HTTP port: GET/HEAD /Content/<last 2 hex of SHA-1>/<SHA-1 HEX>.<ext> with the
// exact catalog bytes, a single byte range answered 206 like IIS (Delivery Optimization and BITS fetch in
// ranges). The shell refuses content over HTTPS before it gets here (W-PORTS).
import { formatContentRange, parseRange, rangeLength } from '../../protocol/dp/index.ts';
import type { CatalogFile } from '../catalog/types.ts';
import type { SiteReply, SiteRequest } from '../types.ts';
import type { SupContext } from './context.ts';
import { httpError } from './replies.ts';

const CONTENT_PATH = /^\/content\/([0-9a-f]{2})\/([0-9a-f]{40})\.([a-z0-9]{1,8})$/i;

const CONTENT_TYPES: Record<string, string> = {
  cab: 'application/vnd.ms-cab-compressed',
  exe: 'application/octet-stream',
  msu: 'application/octet-stream',
  psf: 'application/octet-stream',
  wim: 'application/octet-stream',
};

export function serveContent(ctx: SupContext, site: SiteRequest): SiteReply {
  if (site.method !== 'GET' && site.method !== 'HEAD') return httpError(405, { allow: 'GET, HEAD' });
  const m = CONTENT_PATH.exec(site.url.pathname);
  if (!m || m[1]!.toUpperCase() !== m[2]!.slice(-2).toUpperCase()) return httpError(404);
  const hit = ctx.model.catalog.fileBySha1Hex(m[2]!);
  if (!hit || hit.update.catalogVersion > ctx.served().version) return httpError(404);
  const { file } = hit;
  if (!file.contentPath.toLowerCase().endsWith(`.${m[3]!.toLowerCase()}`)) return httpError(404);

  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPES[m[3]!.toLowerCase()] ?? 'application/octet-stream',
    'last-modified': new Date(hit.update.publishedAt ?? ctx.model.catalog.lastChange).toUTCString(),
    'accept-ranges': 'bytes',
    etag: `"${file.sha1.toString('hex').slice(0, 16)}:0"`,
    server: 'Microsoft-IIS/10.0',
    'x-powered-by': 'ASP.NET',
  };
  const isHead = site.method === 'HEAD';
  const rangeHeader = ctx.violates('ignore-range') ? undefined : headerText(site.headers.range);
  // Several ranges are answered with the whole file (RFC 9110 allows it; BITS and DO ask for one).
  const range = parseRange(rangeHeader, file.size);
  if (range === 'unsatisfiable') {
    const refused = httpError(416);
    return {
      ...refused,
      headers: { ...refused.headers, 'content-range': formatContentRange(range, file.size) },
    };
  }
  if (range === undefined || range === 'multiple') {
    headers['content-length'] = file.size;
    return { status: 200, headers, body: isHead ? undefined : bytesOf(ctx, file, 0, file.size) };
  }
  headers['content-length'] = rangeLength(range);
  headers['content-range'] = formatContentRange(range, file.size);
  return { status: 206, headers, body: isHead ? undefined : bytesOf(ctx, file, range.start, range.end + 1) };
}

function bytesOf(ctx: SupContext, file: CatalogFile, start: number, endExclusive: number): Buffer {
  const bytes = ctx.model.catalog.contentBytes(file, start, endExclusive);
  // 'wrong-content-hash': one flipped byte, so the client's hash check must catch it.
  if (ctx.violates('wrong-content-hash') && bytes.length > 0) bytes[0] = bytes[0]! ^ 0xff;
  return bytes;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
