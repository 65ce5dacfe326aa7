// A minimal, explicit WSUS client for conformance checks: each handshake step is its own call, so a
// check can break the sequence on purpose (a garbage cookie, no registration, an expired cookie) and
// then replay the recovery [MS-WUSP] documents step by step. Scans page SyncUpdates the way §3.1.5.7
// describes (non-leaf revisions reported as installed, everything else as cached).
import { randomUUID } from 'node:crypto';
import type { HttpClient } from '../../harness/driver/http.ts';
import {
  type AuthorizationCookie,
  type ComputerInfo,
  formatWsusTime,
  type GetConfigResponse,
  type SyncUpdatesResponse,
  type UpdateInfo,
  type WsusCookie,
} from '../../protocol/wsus/index.ts';
import { exchangeWsus, responseOf, type WsusExchange } from './wsus-exchange.ts';

export interface WsusProbeOptions {
  /** Site time for CurrentTime fields (the reference site's clock when there is an observer). */
  now?: () => number;
  /** Safety bound on SyncUpdates pages in one scan, so a site that never stops paging cannot loop us. */
  maxPages?: number;
}

export interface ScanPages {
  pages: WsusExchange<'SyncUpdates'>[];
  /** Round of each page (0-based): a new round starts after a round that delivered non-leaf updates. */
  roundOf: number[];
  /** Every NewUpdates entry, in the order delivered (duplicates kept, so a check can count them). */
  delivered: UpdateInfo[];
  /** True when the page bound stopped the loop before the site said it was done. */
  boundHit: boolean;
}

export class WsusProbe {
  readonly clientId = randomUUID();
  readonly dnsName = `ps-${this.clientId.slice(0, 8)}.patchstorm.test`;
  config: GetConfigResponse | undefined;
  authCookie: AuthorizationCookie | undefined;
  cookie: WsusCookie | undefined;
  /** Revision ids the client holds: non-leaf ones count as installed (they gate what comes next). */
  readonly installedNonLeaf = new Set<number>();
  readonly otherCached = new Set<number>();
  readonly #now: () => number;
  readonly #maxPages: number;

  constructor(
    readonly http: HttpClient,
    readonly base: URL,
    options: WsusProbeOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#maxPages = options.maxPages ?? 40;
  }

  getConfig(): Promise<WsusExchange<'GetConfig'>> {
    return this.#call({ operation: 'GetConfig', protocolVersion: '1.20' }, (r) => {
      this.config = r;
    });
  }

  /**
   * GetAuthorizationCookie at the ServiceUrl of the SimpleTargeting plug-in GetConfig advertised,
   * relative to the SUP (W-AUTH); the standard path when GetConfig was not called.
   */
  getAuthorizationCookie(): Promise<WsusExchange<'GetAuthorizationCookie'>> {
    const plugIn = this.config ? authPlugInOf(this.config) : undefined;
    return this.#call(
      {
        operation: 'GetAuthorizationCookie',
        clientId: this.clientId,
        targetGroupName: '',
        dnsName: this.dnsName,
      },
      (r) => {
        this.authCookie = { plugInId: r.plugInId, cookieData: r.cookieData };
      },
      plugIn?.kind === 'service' ? plugIn.serviceUrl : undefined,
    );
  }

  /** Authorizes as GetConfig's AuthInfo says: its authorization service, or none for Anonymous. */
  async authorize(): Promise<void> {
    if (!this.config) throw new Error('authorize needs GetConfig first');
    const plugIn = authPlugInOf(this.config);
    if (plugIn.kind === 'none') throw new Error(plugIn.why);
    if (plugIn.kind === 'anonymous') {
      // WUA's anonymous plug-in calls no service: its authorization cookie is local and empty.
      this.authCookie = { plugInId: plugIn.plugInId, cookieData: '' };
      return;
    }
    responseOf(await this.getAuthorizationCookie());
  }

  getCookie(): Promise<WsusExchange<'GetCookie'>> {
    if (!this.authCookie || !this.config)
      throw new Error('GetCookie needs GetConfig and GetAuthorizationCookie first');
    return this.#call(
      {
        operation: 'GetCookie',
        authCookies: [this.authCookie],
        oldCookie: this.cookie ? { expiration: this.cookie.expiration } : undefined,
        lastChange: this.config.lastChange,
        currentTime: formatWsusTime(this.#now(), 'wsus'),
        protocolVersion: '1.20',
      },
      (r) => {
        this.cookie = { expiration: r.expiration, encryptedData: r.encryptedData };
      },
    );
  }

  registerComputer(): Promise<WsusExchange<'RegisterComputer'>> {
    return this.#call({
      operation: 'RegisterComputer',
      cookie: this.#cookie(),
      computerInfo: this.#computerInfo(),
    });
  }

  /** GetConfig → GetAuthorizationCookie → GetCookie (→ RegisterComputer), every step required to succeed. */
  async handshake(register = true): Promise<void> {
    responseOf(await this.getConfig());
    await this.authorize();
    responseOf(await this.getCookie());
    if (register) responseOf(await this.registerComputer());
  }

  /** One software SyncUpdates with the whole cache; a successful reply updates cookie and cache. */
  syncUpdates(cookie: WsusCookie = this.#cookie()): Promise<WsusExchange<'SyncUpdates'>> {
    const first = this.installedNonLeaf.size === 0 && this.otherCached.size === 0;
    return this.#call(
      {
        operation: 'SyncUpdates',
        cookie,
        expressQuery: false,
        installedNonLeafUpdateIds: first ? undefined : [...this.installedNonLeaf],
        otherCachedUpdateIds: first ? undefined : [...this.otherCached],
        skipSoftwareSync: false,
      },
      (r) => this.#absorb(r),
    );
  }

  /**
   * The software pass as WUA pages it (W-PAGE): the next page while the last said Truncated; when a round
   * ends (Truncated=false), a new round only if that round delivered non-leaf updates (now reported as
   * installed, they can unlock more); never paging on until an empty reply. Each page must succeed;
   * `until` may stop early once the caller has what it needs (e.g. some leaf updates).
   */
  async scan(until?: (delivered: readonly UpdateInfo[]) => boolean): Promise<ScanPages> {
    const pages: WsusExchange<'SyncUpdates'>[] = [];
    const roundOf: number[] = [];
    const delivered: UpdateInfo[] = [];
    let round = 0;
    let roundBroughtNonLeaf = false;
    for (let i = 0; i < this.#maxPages; i++) {
      const ex = await this.syncUpdates();
      const r = responseOf(ex);
      pages.push(ex);
      roundOf.push(round);
      delivered.push(...r.newUpdates);
      if (r.newUpdates.some((u) => !u.isLeaf)) roundBroughtNonLeaf = true;
      if (until?.(delivered)) return { pages, roundOf, delivered, boundHit: false };
      if (r.truncated) continue;
      if (!roundBroughtNonLeaf) return { pages, roundOf, delivered, boundHit: false };
      round += 1;
      roundBroughtNonLeaf = false;
    }
    return { pages, roundOf, delivered, boundHit: true };
  }

  /** Revision ids delivered more than once in a scan, with their counts. */
  static repeats(delivered: readonly UpdateInfo[]): [number, number][] {
    const seen = new Map<number, number>();
    for (const u of delivered) seen.set(u.id, (seen.get(u.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1);
  }

  getExtendedUpdateInfo(
    revisionIds: number[],
    infoTypes: string[] = ['Extended', 'LocalizedProperties'],
  ): Promise<WsusExchange<'GetExtendedUpdateInfo'>> {
    return this.#call({
      operation: 'GetExtendedUpdateInfo',
      cookie: this.#cookie(),
      revisionIds,
      infoTypes,
      locales: ['en'],
    });
  }

  get cachedIds(): number[] {
    return [...this.installedNonLeaf, ...this.otherCached];
  }

  #absorb(r: SyncUpdatesResponse): void {
    this.cookie = r.newCookie;
    for (const u of r.newUpdates) (u.isLeaf ? this.otherCached : this.installedNonLeaf).add(u.id);
    for (const id of r.outOfScopeRevisionIds) {
      this.installedNonLeaf.delete(id);
      this.otherCached.delete(id);
    }
  }

  #cookie(): WsusCookie {
    if (!this.cookie) throw new Error('this call needs a cookie: run the handshake first');
    return this.cookie;
  }

  async #call<O extends Parameters<typeof exchangeWsus>[2]['operation']>(
    request: Parameters<typeof exchangeWsus<O>>[2],
    onOk?: (r: NonNullable<WsusExchange<O>['response']>) => void,
    servicePath?: string,
  ): Promise<WsusExchange<O>> {
    const ex = await exchangeWsus(this.http, this.base, request, servicePath);
    if (ex.response && onOk) onOk(ex.response);
    return ex;
  }

  #computerInfo(): ComputerInfo {
    return {
      dnsName: this.dnsName,
      osMajorVersion: 10,
      osMinorVersion: 0,
      osBuildNumber: 22631,
      osServicePackMajorNumber: 0,
      osServicePackMinorNumber: 0,
      osLocale: 'en-US',
      computerManufacturer: 'patchstorm',
      computerModel: 'conformance probe',
      biosVersion: '1.0',
      biosName: 'patchstorm',
      biosReleaseDate: '2024-01-01T00:00:00',
      processorArchitecture: 'AMD64',
      suiteMask: 256,
      oldProductType: 1,
      newProductType: 48,
      systemMetrics: 0,
      clientVersionMajorNumber: 10,
      clientVersionMinorNumber: 0,
      clientVersionBuildNumber: 22621,
      clientVersionQfeNumber: 1,
    };
  }
}

/** The authorization plug-in a client uses, from GetConfig's AuthInfo (W-AUTH), or why there is none. */
export type AuthChoice =
  | { kind: 'service'; plugInId: string; serviceUrl: string }
  | { kind: 'anonymous'; plugInId: string }
  | { kind: 'none'; why: string };

/** SimpleTargeting with a ServiceUrl first (what WUA prefers), else Anonymous; anything else is unusable. */
export function authPlugInOf(config: GetConfigResponse): AuthChoice {
  const simple = config.authPlugIns.find((p) => p.plugInId.toLowerCase() === 'simpletargeting');
  if (simple?.serviceUrl.trim())
    return { kind: 'service', plugInId: simple.plugInId, serviceUrl: simple.serviceUrl.trim() };
  const anonymous = config.authPlugIns.find((p) => p.plugInId.toLowerCase() === 'anonymous');
  if (anonymous) return { kind: 'anonymous', plugInId: anonymous.plugInId };
  const listed = config.authPlugIns.map(
    (p) => `${p.plugInId}${p.serviceUrl ? ` at ${p.serviceUrl}` : ' without ServiceUrl'}`,
  );
  return {
    kind: 'none',
    why:
      listed.length === 0
        ? 'GetConfig lists no AuthInfo plug-in: a client has no way to get an authorization cookie'
        : `GetConfig lists no usable AuthInfo plug-in (${listed.join(', ')}; a client needs SimpleTargeting with a ServiceUrl, or Anonymous)`,
  };
}
