// Small front-ends for testing the site shell's own behaviour (routing, limits, faults, TLS, stats)
// without the real SUP/MP/DP: each answers with what it saw, so a test can tell who handled a request.
import { generateCaAndServerCert } from '../../site/tls.ts';
import type { FrontEnd, FrontEndHandler, SiteReply, SiteRequest } from '../../site/types.ts';
import { type RunningShell, startShell, type ShellOptions } from '../../site/shell.ts';

export interface Seen {
  frontEnd: FrontEnd;
  method: string;
  path: string;
  search: string;
  bodyLength: number;
  secure: boolean;
  port: number;
}

/** Operation = the x-op header (default 'Echo'); paths ending in /throw or /reject fail on purpose. */
export function echoFrontEnd(frontEnd: FrontEnd, calls: Seen[] = []): FrontEndHandler {
  return {
    frontEnd,
    operationOf: (req: SiteRequest) => (req.headers['x-op'] as string | undefined) ?? 'Echo',
    handle: (req: SiteRequest): SiteReply | Promise<SiteReply> => {
      const seen: Seen = {
        frontEnd,
        method: req.method,
        path: req.url.pathname,
        search: req.url.search,
        bodyLength: req.body.length,
        secure: req.secure,
        port: req.port,
      };
      calls.push(seen);
      if (req.url.pathname.endsWith('/throw')) throw new Error('front-end bug');
      if (req.url.pathname.endsWith('/reject')) return Promise.reject(new Error('async front-end bug'));
      if (req.url.pathname.endsWith('/fault')) {
        return { status: 500, body: '<fault/>', faultCode: 'CookieExpired', close: true };
      }
      if (req.method === 'HEAD') return { status: 200, headers: { 'content-length': 12345 } };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(seen) };
    },
    busyReply: (operation: string) => ({
      status: 500,
      headers: { 'content-type': 'text/xml' },
      body: `<busy op="${operation}"/>`,
      faultCode: 'ServerBusy',
      close: true,
    }),
  };
}

let tlsMaterial: Promise<{ ca: string; cert: string; key: string }> | undefined;
/** One generated CA + server certificate per test file. */
export function testTls(): Promise<{ ca: string; cert: string; key: string }> {
  tlsMaterial ??= generateCaAndServerCert([]);
  return tlsMaterial;
}

export async function startEchoShell(
  overrides: Partial<ShellOptions> = {},
): Promise<RunningShell & { calls: Seen[]; ca: string }> {
  const calls: Seen[] = [];
  const tls = await testTls();
  const shell = await startShell({
    bindAddress: '127.0.0.1',
    hostName: 'localhost',
    ports: { supHttp: 0, supHttps: 0, mpHttp: 0, mpHttps: 0 },
    tls,
    frontEnds: {
      sup: echoFrontEnd('sup', calls),
      mp: echoFrontEnd('mp', calls),
      dp: echoFrontEnd('dp', calls),
    },
    maxRequestBytes: 64 * 1024,
    ...overrides,
  });
  return Object.assign(shell, { calls, ca: tls.ca });
}
