// In-process helpers for SUP front-end tests: a small site model on a manual clock, SiteRequest builders
// for every WSUS operation, and a minimal client loop (handshake, paged sync) that decides "installed"
// from the catalog itself.
import { generateCatalog } from '../../site/catalog/generate.ts';
import type { Catalog } from '../../site/catalog/types.ts';
import { SiteClock } from '../../site/clock.ts';
import { DeploymentStore } from '../../site/deployments.ts';
import {
  DEFAULT_AUTH_SERVICE_URL,
  type SiteConfig,
  type SiteModel,
  type ViolationName,
} from '../../site/model.ts';
import { createSupFrontEnd, type SupFrontEnd } from '../../site/sup/index.ts';
import type { SiteReply, SiteRequest } from '../../site/types.ts';
import {
  buildWsusRequest,
  parseWsusResponse,
  pathFor,
  soapActionFor,
  type WsusCookie,
  type WsusOperation,
  type WsusRequest,
  type WsusResponseOf,
} from '../../protocol/wsus/index.ts';

export const T0 = Date.parse('2026-10-01T08:00:00Z');
export const HTTP_PORT = 8530;

export const TEST_CONFIG: SiteConfig = {
  siteCode: 'PS1',
  hostName: 'sup.test.invalid',
  bindAddress: '127.0.0.1',
  supHttpPort: HTTP_PORT,
  supHttpsPort: 8531,
  mpHttpPort: 8080,
  mpHttpsPort: 8443,
  observerPort: 8090,
  cookieLifetimeMinutes: 60,
  syncPageSize: 200,
  maxExtendedUpdatesPerRequest: 50,
  timeStyle: 'wsus',
  auth: 'simple',
  authServiceUrl: DEFAULT_AUTH_SERVICE_URL,
  maxRequestBytes: 32 * 1024 * 1024,
  supMaxInFlight: 1000,
  mpMaxInFlight: 1000,
  dpMaxInFlight: 1000,
};

export interface TestSup {
  model: SiteModel;
  catalog: Catalog;
  clock: SiteClock;
  sup: SupFrontEnd;
}

export function makeSup(options: { leafUpdates?: number; config?: Partial<SiteConfig> } = {}): TestSup {
  const clock = new SiteClock({ mode: 'manual', start: T0 });
  const catalog = generateCatalog({
    seed: 11,
    now: T0 - 3_600_000,
    leafUpdates: options.leafUpdates ?? 600,
    fileSizes: { min: 2_000, max: 120_000 },
  });
  const model: SiteModel = {
    config: { ...TEST_CONFIG, ...options.config },
    clock,
    catalog,
    deployments: new DeploymentStore(),
    violations: new Set<ViolationName>(),
  };
  return { model, catalog, clock, sup: createSupFrontEnd(model) };
}

export function siteRequest(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body: string | Buffer = '',
  secure = false,
): SiteRequest {
  const port = secure ? 8531 : HTTP_PORT;
  return {
    method,
    url: new URL(path, `${secure ? 'https' : 'http'}://sup.test.invalid:${port}`),
    headers: { host: `sup.test.invalid:${port}`, ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    frontEnd: 'sup',
    secure,
    port,
  };
}

export function soapRequest(req: WsusRequest): SiteRequest {
  return siteRequest(
    'POST',
    pathFor(req.operation),
    { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapActionFor(req.operation)}"` },
    buildWsusRequest(req),
  );
}

export async function send(sup: SupFrontEnd, req: SiteRequest): Promise<SiteReply> {
  return await sup.handle(req);
}

export function bodyText(reply: SiteReply): string {
  return reply.body === undefined ? '' : reply.body.toString();
}

/** Sends a request and parses the answer (throws WsusFault for a fault). */
export async function call<O extends WsusOperation>(
  sup: SupFrontEnd,
  req: WsusRequest & { operation: O },
): Promise<WsusResponseOf<O>> {
  const reply = await send(sup, soapRequest(req));
  return parseWsusResponse(req.operation as O, bodyText(reply));
}

export const COMPUTER = {
  osMajorVersion: 10,
  osMinorVersion: 0,
  osServicePackMajorNumber: 0,
  osServicePackMinorNumber: 0,
  biosReleaseDate: '2022-02-02T00:00:00Z',
  suiteMask: 256,
  oldProductType: 1,
  newProductType: 48,
  systemMetrics: 0,
  clientVersionMajorNumber: 1507,
  clientVersionMinorNumber: 2601,
  clientVersionBuildNumber: 30012,
  clientVersionQfeNumber: 0,
};

/** GetConfig -> GetAuthorizationCookie -> GetCookie (-> RegisterComputer). */
export async function handshake(
  t: TestSup,
  clientId: string,
  build: number,
  register = true,
): Promise<WsusCookie> {
  const config = await call(t.sup, { operation: 'GetConfig', protocolVersion: '2.90' });
  const auth = await call(t.sup, {
    operation: 'GetAuthorizationCookie',
    clientId,
    dnsName: `${clientId}.test`,
  });
  const cookie = await call(t.sup, {
    operation: 'GetCookie',
    authCookies: [{ plugInId: auth.plugInId, cookieData: auth.cookieData }],
    lastChange: config.lastChange,
    currentTime: new Date(t.clock.now()).toISOString(),
    protocolVersion: '2.90',
  });
  const plain: WsusCookie = { expiration: cookie.expiration, encryptedData: cookie.encryptedData };
  if (register) {
    await call(t.sup, {
      operation: 'RegisterComputer',
      cookie: plain,
      computerInfo: { ...COMPUTER, dnsName: `${clientId}.test`, osBuildNumber: build },
    });
  }
  return plain;
}

export interface SyncState {
  cookie: WsusCookie;
  installed: number[];
  other: number[];
  pages: WsusResponseOf<'SyncUpdates'>[];
}

/** Software SyncUpdates until nothing is new; non-leaf revisions applicable to `build` count as installed. */
export async function syncAll(
  t: TestSup,
  state: SyncState,
  build: number,
  maxPages = 100,
): Promise<SyncState> {
  for (let i = 0; i < maxPages; i++) {
    const res = await call(t.sup, {
      operation: 'SyncUpdates',
      cookie: state.cookie,
      expressQuery: false,
      installedNonLeafUpdateIds: state.installed.length ? [...state.installed] : undefined,
      otherCachedUpdateIds: state.other.length ? [...state.other] : undefined,
      skipSoftwareSync: false,
    });
    state.pages.push(res);
    state.cookie = res.newCookie;
    const out = new Set(res.outOfScopeRevisionIds);
    state.installed = state.installed.filter((id) => !out.has(id));
    state.other = state.other.filter((id) => !out.has(id));
    if (res.newUpdates.length === 0) break;
    for (const u of res.newUpdates) {
      const rev = t.catalog.byRevision(u.id)!;
      const applies = rev.applicableBuilds.length === 0 || rev.applicableBuilds.includes(build);
      if (!u.isLeaf && applies) state.installed.push(u.id);
      else state.other.push(u.id);
    }
  }
  return state;
}
