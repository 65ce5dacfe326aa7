// Distribution point content URLs (protocol-reference §3.1): `/SMS_DP_SMSPKG$/<contentId>/<file>`,
// signatures under `/SMS_DP_SMSSIG$/`, `NOCERT_` variants for HTTPS without client certificates, and the
// `…/<contentId>/sccm?/<file>` form DataTransferService rewrites file URLs to after its PROPFIND.
import { DpProtocolError } from './errors.ts';

export const CONTENT_SHARE = 'SMS_DP_SMSPKG$';
export const SIGNATURE_SHARE = 'SMS_DP_SMSSIG$';

/** Encodes a file path segment by segment, keeping `/` between folders. */
function encodeFilePath(fileName: string): string {
  return fileName.split('/').map(encodeURIComponent).join('/');
}

/** `<base>/SMS_DP_SMSPKG$/<contentId>/<file>`; base is `http://dp[:port]` (a trailing slash is ignored). */
export function contentUrl(base: string, contentId: string, fileName: string): string {
  return `${base.replace(/\/+$/, '')}/${CONTENT_SHARE}/${encodeURIComponent(contentId)}/${encodeFilePath(fileName)}`;
}

/** `<base>/SMS_DP_SMSPKG$/<contentId>`: the collection a client PROPFINDs and ContentLocationReply names. */
export function contentFolderUrl(base: string, contentId: string): string {
  return `${base.replace(/\/+$/, '')}/${CONTENT_SHARE}/${encodeURIComponent(contentId)}`;
}

/** `<base>/SMS_DP_SMSSIG$/<contentId>.<version>.tar`. */
export function signatureUrl(base: string, contentId: string, version = 1): string {
  return `${base.replace(/\/+$/, '')}/${SIGNATURE_SHARE}/${encodeURIComponent(contentId)}.${version}.tar`;
}

export interface ContentPath {
  share: 'content' | 'signature';
  /** Content id (for signatures: the file name without `.<version>.tar`). */
  contentId: string;
  /** File inside the content folder, folders joined by `/`; undefined for the folder itself. */
  fileName?: string;
  /** Signature version (`.1.tar` → 1). */
  version?: number;
  /** `/NOCERT_SMS_DP_…` (HTTPS without a client certificate). */
  noCert: boolean;
  /** Reached through the `sccm?` rewrite form. */
  sccmRewrite: boolean;
}

function decode(segment: string): string {
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    throw new DpProtocolError(`bad percent-encoding in ${JSON.stringify(segment)}`, 'path');
  }
  if (text === '.' || text === '..' || text.includes('/') || text.includes('\\') || text.includes('\0')) {
    throw new DpProtocolError(`refused path segment ${JSON.stringify(text)}`, 'path');
  }
  return text;
}

const SHARE_PREFIX = /^\/(NOCERT_)?(SMS_DP_SMSPKG|SMS_DP_SMSSIG)(?:\$|%24)(?=\/|$)/i;

/**
 * Parses a request target (path plus query: the `sccm?` form puts the file in the query).
 * Returns undefined when the target is not under a DP share; throws DpProtocolError for traversal or
 * bad encoding inside one.
 */
export function parseContentPath(target: string): ContentPath | undefined {
  const m = SHARE_PREFIX.exec(target);
  if (!m) return undefined;
  const noCert = m[1] !== undefined;
  let rest = target.slice(m[0].length);
  let sccmRewrite = false;
  const rewrite = /^\/([^/?]+)\/sccm\?\/?/i.exec(rest);
  if (rewrite) {
    sccmRewrite = true;
    rest = `/${rewrite[1]}/${rest.slice(rewrite[0].length)}`;
  } else {
    const q = rest.indexOf('?');
    if (q !== -1) rest = rest.slice(0, q);
  }
  const segments = rest
    .split('/')
    .filter((s) => s !== '')
    .map(decode);
  const [first, ...files] = segments;
  if (first === undefined) throw new DpProtocolError('DP share path names no content', 'path');
  if (m[2]!.toUpperCase() === 'SMS_DP_SMSSIG') {
    const sig = /^(.+)\.(\d+)\.tar$/i.exec(first);
    if (!sig || files.length > 0) throw new DpProtocolError(`not a signature file: ${first}`, 'path');
    return { share: 'signature', contentId: sig[1]!, version: Number(sig[2]), noCert, sccmRewrite };
  }
  const path: ContentPath = { share: 'content', contentId: first, noCert, sccmRewrite };
  if (files.length > 0) path.fileName = files.join('/');
  return path;
}
