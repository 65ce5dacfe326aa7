// Sends a round of ClientRequests through k6/http: one http.batch (k6 sends them concurrently and returns
// when all are answered), replies read as bytes (`responseType: 'binary'`), a download's body discarded
// when the client only counts it (`'none'`: the Content-Length header stays). Each batch gets a fresh,
// empty cookie jar: k6's per-VU jar would hand one client's HTTP cookies to every client of the VU.
import http from 'k6/http';
import type { ClientRequest } from '../client/request.ts';
import { transportErrorKind } from './k6-errors.ts';
import { arrayBufferOf } from './k6-platform.ts';
import type { BatchSender, SendOutcome } from './vu-loop.ts';

/** The body as k6 takes it; a body builder is called now, when the request is really sent. */
function body(r: ClientRequest): string | ArrayBuffer | null {
  if (r.body === undefined) return null;
  const b = typeof r.body === 'function' ? r.body() : r.body;
  return typeof b === 'string' ? b : arrayBufferOf(b);
}

export function k6BatchSender(timeout: string): BatchSender {
  return (requests) => {
    const jar = new http.CookieJar();
    const responses = http.batch(
      requests.map((r) => ({
        method: r.method,
        url: r.origin + r.path,
        body: body(r),
        params: {
          headers: r.headers ?? {},
          responseType: r.discardBody ? ('none' as const) : ('binary' as const),
          jar,
          redirects: 0,
          timeout,
          // k6's own http_req_* metrics get patchstorm's operation name as their tag too.
          tags: { op: r.operation },
        },
      })),
    );
    return responses.map((res): SendOutcome => {
      if (res.status === 0) {
        return { ok: false, kind: transportErrorKind(res.error_code, res.error), message: res.error };
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) headers[name.toLowerCase()] = value;
      // An ArrayBuffer with responseType 'binary', null with 'none'.
      const raw = res.body as unknown;
      const bytes =
        raw !== null && typeof raw === 'object' ? new Uint8Array(raw as ArrayBuffer) : new Uint8Array(0);
      return {
        ok: true,
        reply: { status: res.status, headers, body: bytes, latencyMs: res.timings.duration },
      };
    });
  };
}
