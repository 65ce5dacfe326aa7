// An absolute http(s) URL split into origin and path the way WHATWG URL does for the URLs a site hands its
// clients (policy body locations, DP content URLs), written out because k6 v0.48 has no URL global:
// scheme and host lower-cased, the scheme's default port dropped, an empty path made '/', the fragment cut.
import type { SplitUrl } from '../client/platform.ts';

const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };
const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)/;

export class SplitUrlError extends Error {
  override readonly name = 'SplitUrlError';
}

export function splitUrl(url: string): SplitUrl {
  const m = URL_RE.exec(url.trim());
  if (!m) throw new SplitUrlError(`not an absolute URL: ${JSON.stringify(url)}`);
  const scheme = m[1]!.toLowerCase();
  // userinfo is never in a site's URLs for clients; drop it as an origin does.
  let authority = m[2]!.slice(m[2]!.lastIndexOf('@') + 1).toLowerCase();
  const port = /:(\d*)$/.exec(authority);
  if (port && !authority.endsWith(']') && (port[1] === '' || port[1] === DEFAULT_PORT[scheme])) {
    authority = authority.slice(0, port.index);
  } else if (port?.[1]) {
    authority = `${authority.slice(0, port.index)}:${Number(port[1])}`;
  }
  if (authority === '') throw new SplitUrlError(`no host in URL: ${JSON.stringify(url)}`);
  let rest = m[3]!;
  if (rest === '' || rest.startsWith('?')) rest = `/${rest}`;
  // Characters WHATWG URL percent-encodes in a path or query (spaces, quotes, angle brackets, non-ASCII).
  const path = rest.replace(/[\u0000-\u0020"<>`\u007f]|[^\u0000-\u007f]/gu, (c) => encodeURIComponent(c));
  return { origin: `${scheme}://${authority}`, path };
}
