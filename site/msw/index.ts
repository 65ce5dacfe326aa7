// `patchstorm/msw`: the reference site's SUP, MP and DP as msw request handlers, so ConfigMgr tooling
// written in JS/TS is unit-tested in-process against a realistic site (generated catalog, WSUS cookies
// and paging, policy, state messages, DP content) with no socket. Each handler hands the request to the
// site's socket-free entry (../in-process.ts handleSiteRequest), which decides exactly as the listeners
// do (../dispatch.ts). msw is a peer dependency: the caller's msw (2.x) runs the handlers.
import { http } from 'msw';
import type { StartSiteOptions } from '../options.ts';
import {
  createInProcessSite,
  handleSiteRequest,
  type InProcessSite,
  SiteConnectionDropped,
} from '../in-process.ts';
import type { ListenerRole } from '../routes.ts';

export { type InProcessSite, SiteConnectionDropped } from '../in-process.ts';
export type { StartSiteOptions } from '../options.ts';

/** The origins the site answers on; only these are intercepted. Defaults are real products' ports. */
export interface SiteOrigins {
  /** WSUS web services and content over HTTP (default http://sup.test:8530). */
  sup?: string;
  /** WSUS web services over HTTPS (default https://sup.test:8531). */
  supHttps?: string;
  /** The MP and the co-located DP over HTTP (default http://mp.test). */
  mp?: string;
  /** The MP over HTTPS (default https://mp.test). */
  mpHttps?: string;
}

/** Site options (catalog seed and size, clock, faults, processor, violations, …) plus the origins. */
export type SiteHandlersOptions = Omit<
  StartSiteOptions,
  'hostName' | 'bindAddress' | 'supHttpPort' | 'supHttpsPort' | 'mpHttpPort' | 'mpHttpsPort' | 'observerPort'
> &
  SiteOrigins;

export interface SiteHandlers {
  /** Pass to msw: `setupServer(...handlers)` (msw/node) or `setupWorker(...handlers)` (msw/browser). */
  handlers: ReturnType<typeof http.all>[];
  /** The site itself, for assertions: `site.model` (clock, catalog, deployments), `site.mp.states`
   *  (state messages), `site.sup.snapshot()`, `site.stats` (requests per front-end and operation). */
  site: InProcessSite;
  /** The origins in use, defaults filled in. */
  origins: Required<SiteOrigins>;
  /** Stops the site's state-message processor. */
  close(): Promise<void>;
}

const DEFAULT_ORIGINS: Required<SiteOrigins> = {
  sup: 'http://sup.test:8530',
  supHttps: 'https://sup.test:8531',
  mp: 'http://mp.test',
  mpHttps: 'https://mp.test',
};

/** Statuses whose reply has no body (the Response constructor refuses one). */
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

export function createSiteHandlers(options: SiteHandlersOptions = {}): SiteHandlers {
  const { sup, supHttps, mp, mpHttps, ...siteOptions } = options;
  const origins: Required<SiteOrigins> = {
    sup: originOf('sup', sup ?? DEFAULT_ORIGINS.sup),
    supHttps: originOf('supHttps', supHttps ?? DEFAULT_ORIGINS.supHttps),
    mp: originOf('mp', mp ?? DEFAULT_ORIGINS.mp),
    mpHttps: originOf('mpHttps', mpHttps ?? DEFAULT_ORIGINS.mpHttps),
  };
  const site = createInProcessSite({
    ...siteOptions,
    // The MP names itself by host name (MPLIST, location replies); the SUP's ports are in its replies.
    hostName: new URL(origins.mp).hostname,
    supHttpPort: portOf(origins.sup),
    supHttpsPort: portOf(origins.supHttps),
    mpHttpPort: portOf(origins.mp),
    mpHttpsPort: portOf(origins.mpHttps),
  });
  site.supUrls = { http: origins.sup, https: origins.supHttps };

  const handler = (origin: string, role: ListenerRole) =>
    http.all(`${origin}/*`, async ({ request }) => {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body = new Uint8Array(await request.arrayBuffer());
      let reply: Awaited<ReturnType<typeof handleSiteRequest>>;
      try {
        reply = await handleSiteRequest(site, role, {
          method: request.method,
          url: request.url,
          headers,
          body,
          signal: request.signal,
        });
      } catch (err) {
        // An injected reset (or a held request given up): a network error, as a dropped socket gives.
        if (err instanceof SiteConnectionDropped) return Response.error();
        throw err;
      }
      const noBody = request.method === 'HEAD' || NULL_BODY_STATUS.has(reply.status);
      return new Response(noBody ? null : reply.body, { status: reply.status, headers: reply.headers });
    });

  return {
    handlers: [
      handler(origins.sup, 'sup'),
      handler(origins.supHttps, 'sup'),
      handler(origins.mp, 'mp'),
      handler(origins.mpHttps, 'mp'),
    ],
    site,
    origins,
    close: () => site.stop(),
  };
}

function originOf(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `createSiteHandlers: ${field} "${value}" is not an absolute URL; expected e.g. http://sup.test:8530`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`createSiteHandlers: ${field} "${value}" must be http: or https:`);
  if (url.pathname !== '/' || url.search !== '')
    throw new Error(`createSiteHandlers: ${field} "${value}" must be an origin (no path or query)`);
  return url.origin;
}

function portOf(origin: string): number {
  const url = new URL(origin);
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}
