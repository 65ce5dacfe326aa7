// WebDAV PROPFIND manifest of a content folder: the 207 Multi-Status a DP answers before
// DataTransferService starts its BITS job (protocol-reference §3.2). One response for the folder
// (a collection), then one per file with its size; and the request that asks for it.
import { type XmlNode, escapeXml, list, parseXml, textOf } from '../xml.ts';
import { DpProtocolError } from './errors.ts';

export interface ManifestFile {
  /** Path inside the content folder, folders joined by `/`. */
  name: string;
  size: number;
  /** Epoch ms; written as getlastmodified when present. */
  lastModified?: number;
}

export interface ManifestEntry {
  /** The href as sent (absolute URL or absolute path). */
  href: string;
  isCollection: boolean;
  /** getcontentlength (0 for collections that omit it). */
  size: number;
}

/**
 * How deep a PROPFIND looks: 0 = the folder itself, 1 = the folder and its entries (the manifest
 * DataTransferService asks for before its BITS job).
 */
export type PropfindDepth = 0 | 1;

export interface PropfindRequest {
  method: 'PROPFIND';
  headers: { depth: '0' | '1' };
}

/**
 * The PROPFIND a client sends for a content folder's manifest. It has no body: RFC 4918 §9.1 reads an
 * empty PROPFIND as allprop, which includes resourcetype and getcontentlength, all that
 * parsePropfindResponse needs. (Depth infinity is not offered: servers may refuse it, RFC 4918 §9.1.)
 */
export function propfindRequest(depth: PropfindDepth = 1): PropfindRequest {
  if (depth !== 0 && depth !== 1) {
    throw new RangeError(`PROPFIND depth = ${String(depth)}: must be 0 or 1`);
  }
  return { method: 'PROPFIND', headers: { depth: depth === 0 ? '0' : '1' } };
}

function fileHref(folderUrl: string, name: string): string {
  return `${folderUrl}/${name.split('/').map(encodeURIComponent).join('/')}`;
}

function response(href: string, collection: boolean, size: number, lastModified?: number): string {
  const modified =
    lastModified === undefined
      ? ''
      : `<D:getlastmodified>${new Date(lastModified).toUTCString()}</D:getlastmodified>`;
  return (
    `<D:response><D:href>${escapeXml(href)}</D:href><D:propstat><D:prop>` +
    `<D:resourcetype>${collection ? '<D:collection/>' : ''}</D:resourcetype>` +
    `<D:getcontentlength>${size}</D:getcontentlength>${modified}` +
    '</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>'
  );
}

/** The 207 body for `folderUrl` (e.g. `http://dp/SMS_DP_SMSPKG$/<contentId>`) and its files. */
export function buildPropfindResponse(folderUrl: string, files: readonly ManifestFile[]): string {
  const base = folderUrl.replace(/\/+$/, '');
  let body = response(`${base}/`, true, 0);
  for (const f of files) body += response(fileHref(base, f.name), false, f.size, f.lastModified);
  return `<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:">${body}</D:multistatus>`;
}

const ARRAYS = new Set(['response', 'propstat']);

/** Parses a 207 Multi-Status manifest (any DAV: prefix). Entries keep document order. */
export function parsePropfindResponse(xml: string): ManifestEntry[] {
  const doc = parseXml(xml, { arrays: ARRAYS });
  const root = doc.multistatus;
  if (root === undefined || root === null)
    throw new DpProtocolError('PROPFIND reply has no multistatus root', 'shape');
  return list<XmlNode>((root as XmlNode).response).map((r, i) => {
    const hrefText = textOf(r.href);
    if (!hrefText) throw new DpProtocolError(`multistatus response ${i} has no href`, 'shape');
    // Take the props of the 200 propstat (a 404 propstat lists the properties the server lacks).
    const propstats = list<XmlNode>(r.propstat);
    const ok = propstats.find((p) => /\s200\s/.test(` ${textOf(p.status)} `)) ?? propstats[0] ?? {};
    const prop = (typeof ok.prop === 'object' && ok.prop !== null ? ok.prop : {}) as XmlNode;
    const type = prop.resourcetype;
    const isCollection = typeof type === 'object' && type !== null && 'collection' in (type as XmlNode);
    const lengthText = prop.getcontentlength === undefined ? '0' : textOf(prop.getcontentlength).trim();
    if (!/^\d{1,15}$/.test(lengthText)) {
      throw new DpProtocolError(
        `response ${i}: getcontentlength ${JSON.stringify(lengthText)} is not a size`,
        'shape',
      );
    }
    return { href: hrefText, isCollection, size: Number(lengthText) };
  });
}
