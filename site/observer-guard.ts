// The observer's door, in front of routing: a request from anywhere but the operator's own tools is
// refused before its body is read or any route runs, so it cannot change anything.
//  - Host must name the observer itself (127.0.0.1:port or localhost:port): a DNS-rebinding page reaches
//    the loopback socket under its own host name and is refused here (421).
//  - An Origin (or fetch metadata saying cross-site) that is not the observer's own origin: 403. Browsers
//    send Origin on every cross-origin POST/PUT, so a web page's request stops here.
//  - With a token configured, every route needs `Authorization: Bearer <token>` (401).
//  - A change (POST/PUT/PATCH/DELETE) must say `Content-Type: application/json` (415): the one type a
//    page cannot send cross-origin without a CORS preflight, which is never granted.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isChangingMethod, OBSERVER_JSON } from '../protocol/observer.ts';
import type { ApiAnswer } from './observer-api.ts';

export interface ObserverAccess {
  /** The port the observer listens on (127.0.0.1 only). */
  port: number;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
}

export interface ObserverRefusal extends ApiAnswer {
  headers?: Record<string, string>;
}

/** The refusal for a request that may not reach the routes, or undefined when it may. */
export function refuseObserverRequest(
  method: string,
  headers: IncomingHttpHeaders,
  access: ObserverAccess,
): ObserverRefusal | undefined {
  const own = [`127.0.0.1:${access.port}`, `localhost:${access.port}`];
  const host = (headers.host ?? '').toLowerCase();
  if (!own.includes(host)) {
    return {
      status: 421,
      body: {
        error:
          `Host ${JSON.stringify(headers.host ?? '')} is not this observer: address it as ` +
          `${own.map((h) => `http://${h}`).join(' or ')} (other host names are refused against DNS rebinding)`,
      },
    };
  }
  const origin = headers.origin;
  if (origin !== undefined && !own.some((h) => origin.toLowerCase() === `http://${h}`)) {
    return {
      status: 403,
      body: {
        error: `Origin ${JSON.stringify(origin)} is not this observer's own origin; the observer API takes no cross-origin requests`,
      },
    };
  }
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return {
      status: 403,
      body: { error: `a ${site} request (Sec-Fetch-Site); the observer API takes no cross-origin requests` },
    };
  }
  if (access.token !== undefined && !bearerMatches(headers.authorization, access.token)) {
    return {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="patchstorm observer"' },
      body: {
        error:
          headers.authorization === undefined
            ? 'this observer needs "Authorization: Bearer <token>" (the --observer-token it was started with)'
            : 'the bearer token is not the one this observer was started with (--observer-token)',
      },
    };
  }
  if (isChangingMethod(method)) {
    const type = headers['content-type'];
    const media = (type ?? '').split(';')[0]!.trim().toLowerCase();
    if (media !== OBSERVER_JSON) {
      return {
        status: 415,
        body: {
          error: `${method} needs "Content-Type: ${OBSERVER_JSON}" (got ${type === undefined ? 'none' : JSON.stringify(type)})`,
        },
      };
    }
  }
  return undefined;
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function bearerMatches(authorization: string | undefined, token: string): boolean {
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization ?? '');
  if (!m) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}
