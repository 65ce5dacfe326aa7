// The site's listeners: SUP over HTTP and HTTPS, MP (with the co-located DP) over HTTP and HTTPS, each a
// real node:http/https server bound to the configured address. Front-ends are passed in, so the shell is
// testable with small handlers and the full site (site/server.ts) is just this plus the real ones.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { acceptCcmPost } from './custom-methods.ts';
import { FaultInjector } from './faults.ts';
import { InFlightLimits, type InFlightLimitsInput } from './in-flight.ts';
import { createRequestHandler, type FrontEnds, type ListenerContext } from './listener.ts';
import type { ListenerRole } from './routes.ts';
import { SiteStats } from './stats.ts';

export interface ShellPorts {
  supHttp: number;
  supHttps: number;
  mpHttp: number;
  mpHttps: number;
}

export interface ShellOptions {
  bindAddress: string;
  /** Host used in the URLs when the bind address is a wildcard (0.0.0.0 / ::). */
  hostName: string;
  /** 0 = any free port; the actual ports are reported in RunningShell.ports. */
  ports: ShellPorts;
  tls: { key: string; cert: string };
  frontEnds: FrontEnds;
  maxRequestBytes: number;
  /** Requests each front-end holds at once before the shell sheds more with 503 (absent: no limit). */
  maxInFlight?: InFlightLimitsInput;
  stats?: SiteStats;
  faults?: FaultInjector;
  /** First path segments of SUP services at non-default paths (e.g. a relocated SimpleAuth service). */
  extraSupSegments?: readonly string[];
}

export interface ShellUrls {
  supHttp: string;
  supHttps: string;
  mpHttp: string;
  mpHttps: string;
  /** The DP shares the MP's HTTP listener (its virtual directories live under this origin). */
  dp: string;
}

export interface RunningShell {
  ports: ShellPorts;
  urls: ShellUrls;
  stats: SiteStats;
  faults: FaultInjector;
  inFlight: InFlightLimits;
  stop(): Promise<void>;
}

/** Keep-alive idle time: long enough that a client pool (or a scan's chain of calls) reuses its socket,
 *  like IIS's 120 s connection timeout does; shorter than that to free sockets of vanished clients. */
const KEEP_ALIVE_MS = 65_000;
const HEADERS_TIMEOUT_MS = 30_000;
/** Whole-request receive limit; generous enough for a 32 MB body on a slow link. */
const REQUEST_TIMEOUT_MS = 120_000;

export async function startShell(options: ShellOptions): Promise<RunningShell> {
  const stats = options.stats ?? new SiteStats();
  const faults = options.faults ?? new FaultInjector();
  const inFlight = new InFlightLimits(options.maxInFlight);
  const context = (role: ListenerRole, secure: boolean): ListenerContext => ({
    role,
    secure,
    frontEnds: options.frontEnds,
    stats,
    faults,
    maxRequestBytes: options.maxRequestBytes,
    inFlight,
    extraSupSegments: new Set((options.extraSupSegments ?? []).map((segment) => segment.toLowerCase())),
  });
  const serverOptions = {
    keepAliveTimeout: KEEP_ALIVE_MS,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    noDelay: true,
  };
  const tlsOptions = { ...serverOptions, key: options.tls.key, cert: options.tls.cert };

  const servers: Record<keyof ShellPorts, Server> = {
    supHttp: createHttpServer(serverOptions, createRequestHandler(context('sup', false))),
    supHttps: createHttpsServer(tlsOptions, createRequestHandler(context('sup', true))),
    mpHttp: createHttpServer(serverOptions, createRequestHandler(context('mp', false))),
    mpHttps: createHttpsServer(tlsOptions, createRequestHandler(context('mp', true))),
  };
  for (const server of Object.values(servers)) server.keepAliveTimeout = KEEP_ALIVE_MS;
  acceptCcmPost(servers.mpHttp, 'connection');
  acceptCcmPost(servers.mpHttps, 'secureConnection');

  const started: Server[] = [];
  try {
    for (const [name, server] of Object.entries(servers) as [keyof ShellPorts, Server][]) {
      await listen(server, options.ports[name], options.bindAddress, name);
      started.push(server);
    }
  } catch (err) {
    await Promise.all(started.map(closeServer));
    throw err;
  }

  const ports: ShellPorts = {
    supHttp: portOf(servers.supHttp),
    supHttps: portOf(servers.supHttps),
    mpHttp: portOf(servers.mpHttp),
    mpHttps: portOf(servers.mpHttps),
  };
  const host = urlHost(options.bindAddress, options.hostName);
  const urls: ShellUrls = {
    supHttp: `http://${host}:${ports.supHttp}`,
    supHttps: `https://${host}:${ports.supHttps}`,
    mpHttp: `http://${host}:${ports.mpHttp}`,
    mpHttps: `https://${host}:${ports.mpHttps}`,
    dp: `http://${host}:${ports.mpHttp}`,
  };

  let stopping: Promise<void> | undefined;
  return {
    ports,
    urls,
    stats,
    faults,
    inFlight,
    stop: () => {
      stopping ??= Promise.all(Object.values(servers).map(closeServer)).then(() => undefined);
      return stopping;
    },
  };
}

/** The host clients should use: the bind address when it is a specific one, else the site's host name. */
export function urlHost(bindAddress: string, hostName: string): string {
  const host = isWildcardAddress(bindAddress) ? hostName : bindAddress;
  return host.includes(':') ? `[${host}]` : host;
}

export function isWildcardAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

function listen(server: Server, port: number, host: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const why =
        err.code === 'EADDRINUSE'
          ? 'the port is in use'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
      reject(new Error(`cannot listen for ${name} on ${host}:${port}: ${why}`, { cause: err }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, backlog: 2048 });
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    // Idle keep-alive sockets and held (stalled) requests would otherwise keep close() waiting.
    server.closeAllConnections();
  });
}
