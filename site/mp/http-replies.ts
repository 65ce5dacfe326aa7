// The plain HTTP answers an MP on IIS gives besides CCM replies: its error pages (400, 404, 405, 500)
// and the 503 HTTP.sys sends while the application pool cannot take more work.
import type { SiteReply } from '../types.ts';

const HTML = 'text/html';

function iisError(status: number, title: string): SiteReply {
  return {
    status,
    headers: { 'content-type': HTML, server: 'Microsoft-IIS/10.0' },
    body: `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
  };
}

export const BAD_REQUEST = iisError(400, 'Bad Request');
export const NOT_FOUND = iisError(404, 'Not Found');
export const METHOD_NOT_ALLOWED = iisError(405, 'Method Not Allowed');
export const INTERNAL_ERROR = iisError(500, 'Internal Server Error');

export const SERVICE_UNAVAILABLE: SiteReply = {
  status: 503,
  headers: { 'content-type': 'text/html; charset=us-ascii' },
  body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n<HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY><h2>Service Unavailable</h2><hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>\r\n',
};

/** An XML document answered by a plain GET (MPLIST, MPKEYINFORMATION). */
export function xmlReply(xml: string): SiteReply {
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: xml };
}

/** The same reply with a Retry-After header (delay-seconds): explicit back-pressure a client honours. */
export function retryAfter(reply: SiteReply, seconds: number): SiteReply {
  return { ...reply, headers: { ...reply.headers, 'retry-after': String(seconds) } };
}
