// A protocol-level WSUS scan client for one emulated machine (clientId, DNS name, OS build) over real HTTP:
// the cold scan of behaviour.md W-COLD, the warm (delta) scan of W-DELTA, and the recovery of every fault
// code (W-COOKIE, protocol-reference §1.5). It keeps what WUA keeps between scans (config, cookie, cached
// revision ids) and reports what each scan cost on the wire. Used by the demo, tests, bench and conformance.
// The rules it shares with the swarm live in harness/fleet: SyncUpdates rounds and pages (W-PAGE,
// wsus-paging.ts) and the authorization GetConfig advertises (W-AUTH, wsus-auth.ts); server times are
// read with the protocol's WSUS time parser (W-TIME).
import { createHash, randomUUID } from 'node:crypto';
import {
  buildWsusRequest,
  type Device,
  faultLabel,
  formatWsusTime,
  parseCoreFragment,
  parseExtendedFragment,
  parseWsusResponse,
  readWsusTime,
  pathFor,
  type UpdateInfo,
  type WsusCookie,
  WsusFault,
  type WsusOperation,
  type WsusRequest,
  type WsusResponseOf,
} from '../../protocol/wsus/index.ts';
import {
  authorizationFrom,
  authorizationTarget,
  SIMPLE_TARGETING,
  SoftwareSyncRounds,
  type WsusAuthorization,
} from '../fleet/index.ts';
import { HttpFailure, type HttpClient } from './http.ts';
import { computerInfo, EMPTY_GUID, scanReportEvents, wsusHeaders } from '../client/wua-identity.ts';

export interface WsusScanClientOptions {
  /** SUP origin, e.g. "http://127.0.0.1:8530" (the web services; content URLs come from the server). */
  supUrl: string;
  /** NetBIOS-style computer name; the DNS name and default client id derive from it. */
  computerName: string;
  dnsName?: string;
  /** WUA SusClientId (default: a GUID derived from the computer name, stable across runs). */
  clientId?: string;
  /** OS build (default 22631, Windows 11 23H2): decides which non-leaf revisions count as installed. */
  osBuild?: number;
  /** Client protocol version sent in GetConfig/GetCookie (real Windows 11 WUA: 2.90). */
  protocolVersion?: string;
  /** Driver-pass SystemSpec (default: a deterministic set of common devices for this computer). */
  devices?: Device[];
  /** The client's clock for the clear-text cookie Expiration check (default Date.now). */
  now?: () => number;
  /** Safety stop for a server that never stops offering updates (default 1,000 SyncUpdates pages). */
  maxPages?: number;
  /** Recoveries allowed per call before giving up (default 3). */
  maxRecoveries?: number;
}

export interface OperationCounters {
  requests: number;
  bytesOut: number;
  bytesIn: number;
  /** Faults received, by ErrorCode ('(no ErrorCode)', NO_ERROR_CODE, for a fault without one). */
  faults: Record<string, number>;
}

export type ScanFailureKind =
  /** ServerBusy, InternalServerError or an HTTP 5xx: try again later (T-SCANRETRY). */
  | 'retry-later'
  /** A fault with no recovery (InvalidParameters, …) or recovery that did not help. */
  | 'fault'
  /** An HTTP status that is neither 200 nor a SOAP fault. */
  | 'http'
  /** Timeout, reset, refused or TLS error. */
  | 'transport'
  /** A 200 answer that could not be parsed. */
  | 'protocol';

export interface ScanFailure {
  kind: ScanFailureKind;
  operation: WsusOperation;
  errorCode?: string;
  status?: number;
  message: string;
}

export interface ApplicableFile {
  fileName: string;
  /** Base64 SHA-1 (File/@Digest). */
  digestSha1B64: string;
  sha256B64?: string;
  size: number;
  /** From FileLocations, when the server gave one. */
  url?: string;
}

export interface ApplicableUpdate {
  revisionId: number;
  updateId: string;
  revisionNumber: number;
  deployment: UpdateInfo['deployment'];
  files: ApplicableFile[];
}

export interface ScanResult {
  kind: 'cold' | 'warm';
  ok: boolean;
  failure?: ScanFailure;
  /** Per operation in this scan. */
  operations: Partial<Record<WsusOperation, OperationCounters>>;
  requests: number;
  bytesOut: number;
  bytesIn: number;
  /** Software SyncUpdates calls. */
  syncPages: number;
  /** Rounds of the software pass (W-PAGE: a new round only after one that brought prerequisites). */
  syncRounds: number;
  /** Revision ids the server offered as new (software pass, in order). */
  newUpdateIds: number[];
  /** New ids the client already had: a server that ignores the cache (should be 0). */
  repeatedUpdateIds: number[];
  outOfScopeIds: number[];
  changedUpdateIds: number[];
  driverUpdateIds: number[];
  driverSyncNotNeeded?: boolean;
  /** Leaf revisions applicable to this machine whose Extended info was fetched in this scan. */
  applicableUpdates: ApplicableUpdate[];
  /** Recovery steps taken, e.g. "CookieExpired: GetAuthorizationCookie+GetCookie". */
  recoveries: string[];
  eventsReported: number;
  cacheSize: number;
  durationMs: number;
}

interface KnownRevision {
  updateId: string;
  revisionNumber: number;
  isLeaf: boolean;
  applies: boolean;
  deployment: UpdateInfo['deployment'];
}

/** Raised inside a scan to end it with a named failure. */
class ScanAbort extends Error {
  constructor(readonly failure: ScanFailure) {
    super(failure.message);
  }
}

export class WsusScanClient {
  readonly clientId: string;
  readonly dnsName: string;
  readonly osBuild: number;
  readonly #http: HttpClient;
  readonly #origin: string;
  /** HTTP status of the last reply (for fault texts). */
  #lastStatus: number | undefined;
  readonly #computerName: string;
  readonly #protocolVersion: string;
  readonly #devices: Device[];
  readonly #now: () => number;
  readonly #maxPages: number;
  readonly #maxRecoveries: number;
  /** Whole-life counters per operation. */
  readonly counters: Partial<Record<WsusOperation, OperationCounters>> = {};

  #lastChange: string | undefined;
  #maxExtended = 50;
  #registrationRequired = true;
  /** From GetConfig's AuthInfo (W-AUTH); real WSUS's until a GetConfig says otherwise. */
  #authorization: WsusAuthorization = SIMPLE_TARGETING;
  #cookie: WsusCookie | undefined;
  #installed = new Set<number>();
  #other = new Set<number>();
  #drivers = new Set<number>();
  #known = new Map<number, KnownRevision>();
  #extendedFetched = new Set<number>();
  #sequence = 0;
  #scan: ScanResult | undefined;

  constructor(http: HttpClient, options: WsusScanClientOptions) {
    this.#http = http;
    this.#origin = options.supUrl.replace(/\/+$/, '');
    this.#computerName = options.computerName;
    this.dnsName = options.dnsName ?? `${options.computerName.toLowerCase()}.patchstorm.test`;
    this.clientId = (options.clientId ?? guidFrom(`wsus-client/${options.computerName}`)).toLowerCase();
    this.osBuild = options.osBuild ?? 22631;
    this.#protocolVersion = options.protocolVersion ?? '2.90';
    this.#devices = options.devices ?? defaultDevices(options.computerName);
    this.#now = options.now ?? Date.now;
    this.#maxPages = options.maxPages ?? 1000;
    this.#maxRecoveries = options.maxRecoveries ?? 3;
  }

  /** Current cookie (undefined before the first handshake). */
  get cookie(): WsusCookie | undefined {
    return this.#cookie;
  }

  /** Revision ids the client holds: installed non-leaf, other cached, drivers. */
  get cache(): { installedNonLeaf: number[]; otherCached: number[]; drivers: number[] } {
    return {
      installedNonLeaf: [...this.#installed],
      otherCached: [...this.#other],
      drivers: [...this.#drivers],
    };
  }

  /** W-COLD: forget everything, full handshake, all SyncUpdates pages, driver pass, extended info, report. */
  async coldScan(): Promise<ScanResult> {
    this.#cookie = undefined;
    this.#lastChange = undefined;
    this.#installed.clear();
    this.#other.clear();
    this.#drivers.clear();
    this.#known.clear();
    this.#extendedFetched.clear();
    return this.#runScan('cold', async () => {
      await this.#handshake();
    });
  }

  /** W-DELTA: skip the handshake while the cookie is valid and send the whole cache. */
  async warmScan(): Promise<ScanResult> {
    return this.#runScan('warm', async () => {
      if (!this.#lastChange) await this.#handshake();
      else if (!this.#cookie || cookieExpired(this.#cookie, this.#now())) await this.#renewCookie();
    });
  }

  /** The SyncUpdates body a warm scan would send now (whole cache, current cookie): for benchmarks. */
  warmSyncUpdatesBody(): string {
    if (!this.#cookie) throw new Error('warmSyncUpdatesBody: scan first, the client has no cookie');
    return buildWsusRequest(this.#softwareSyncRequest());
  }

  async #runScan(kind: 'cold' | 'warm', prepare: () => Promise<void>): Promise<ScanResult> {
    const started = performance.now();
    const scan: ScanResult = {
      kind,
      ok: true,
      operations: {},
      requests: 0,
      bytesOut: 0,
      bytesIn: 0,
      syncPages: 0,
      syncRounds: 0,
      newUpdateIds: [],
      repeatedUpdateIds: [],
      outOfScopeIds: [],
      changedUpdateIds: [],
      driverUpdateIds: [],
      applicableUpdates: [],
      recoveries: [],
      eventsReported: 0,
      cacheSize: 0,
      durationMs: 0,
    };
    this.#scan = scan;
    try {
      await prepare();
      await this.#softwareSync(scan);
      await this.#driverSync(scan);
      await this.#extendedInfo(scan);
      await this.#report(scan);
    } catch (err) {
      if (!(err instanceof ScanAbort)) throw err;
      scan.ok = false;
      scan.failure = err.failure;
    } finally {
      this.#scan = undefined;
      scan.cacheSize = this.#installed.size + this.#other.size + this.#drivers.size;
      scan.durationMs = performance.now() - started;
    }
    return scan;
  }

  // ---------- scan steps ----------

  async #handshake(): Promise<void> {
    await this.#getConfig();
    await this.#renewCookie();
    if (this.#registrationRequired) await this.#register();
  }

  async #getConfig(): Promise<void> {
    const config = await this.#call(
      { operation: 'GetConfig', protocolVersion: this.#protocolVersion },
      false,
    );
    this.#lastChange = config.lastChange;
    this.#registrationRequired = config.isRegistrationRequired;
    this.#authorization = authorizationFrom(config.authPlugIns);
    const max = Number(config.properties.MaxExtendedUpdatesPerRequest);
    this.#maxExtended = Number.isInteger(max) && max > 0 ? max : 50;
  }

  /** GetAuthorizationCookie + GetCookie (the CookieExpired recovery); a ConfigChanged answer to GetCookie
   *  means our GetConfig answer is stale: fetch it again and retry once. */
  async #renewCookie(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#getCookie();
        return;
      } catch (err) {
        if (!(err instanceof ScanAbort) || err.failure.errorCode !== 'ConfigChanged' || attempt > 0)
          throw err;
        this.#scan?.recoveries.push('ConfigChanged: GetConfig+GetAuthorizationCookie+GetCookie');
        await this.#getConfig();
      }
    }
  }

  async #getCookie(): Promise<void> {
    const authCookies = await this.#authorizationCookies();
    const now = this.#now();
    const cookie = await this.#call(
      {
        operation: 'GetCookie',
        authCookies,
        // Real WUA sends only the old Expiration (Appendix A).
        oldCookie: this.#cookie ? { expiration: this.#cookie.expiration } : undefined,
        lastChange: this.#lastChange ?? formatWsusTime(now, 'wsus'),
        currentTime: formatWsusTime(now, 'wsus'),
        protocolVersion: this.#protocolVersion,
      },
      false,
    );
    this.#cookie = { expiration: cookie.expiration, encryptedData: cookie.encryptedData };
  }

  /** W-AUTH: GetAuthorizationCookie at the advertised service; none with the Anonymous plug-in. */
  async #authorizationCookies(): Promise<{ plugInId: string; cookieData: string }[]> {
    const auth = this.#authorization;
    if (auth.kind === 'anonymous') return [];
    if (auth.kind === 'unusable') {
      throw new ScanAbort({ kind: 'protocol', operation: 'GetConfig', message: auth.reason });
    }
    const reply = await this.#call(
      { operation: 'GetAuthorizationCookie', clientId: this.clientId, dnsName: this.dnsName },
      false,
    );
    return [{ plugInId: reply.plugInId, cookieData: reply.cookieData }];
  }

  async #register(): Promise<void> {
    await this.#call(() => ({
      operation: 'RegisterComputer',
      cookie: this.#requireCookie(),
      computerInfo: computerInfo(this.osBuild, this.dnsName),
    }));
  }

  /** `pending`: this round's prerequisites, sent as other cached ids until the round ends (W-PAGE). */
  #softwareSyncRequest(pending: readonly number[] = []): WsusRequest & { operation: 'SyncUpdates' } {
    const other = [...this.#other, ...pending];
    return {
      operation: 'SyncUpdates',
      cookie: this.#requireCookie(),
      expressQuery: false,
      // Real WUA omits the arrays (rather than sending them empty) while it has nothing to list.
      installedNonLeafUpdateIds: this.#installed.size > 0 ? [...this.#installed] : undefined,
      otherCachedUpdateIds: other.length > 0 ? other : undefined,
      skipSoftwareSync: false,
    };
  }

  /** W-PAGE: pages while Truncated, a new round only after one that brought prerequisites. */
  async #softwareSync(scan: ScanResult): Promise<void> {
    const rounds = new SoftwareSyncRounds(this.#maxPages);
    const pending = new Set<number>();
    for (;;) {
      const res = await this.#call(() => this.#softwareSyncRequest(rounds.pending));
      scan.syncPages += 1;
      this.#cookie = res.newCookie;
      for (const id of res.outOfScopeRevisionIds) {
        this.#installed.delete(id);
        this.#other.delete(id);
        this.#known.delete(id);
        this.#extendedFetched.delete(id);
        scan.outOfScopeIds.push(id);
      }
      for (const info of res.changedUpdates) {
        const known = this.#known.get(info.id);
        if (known) known.deployment = info.deployment;
        scan.changedUpdateIds.push(info.id);
      }
      let newRevisions = 0;
      for (const info of res.newUpdates) {
        scan.newUpdateIds.push(info.id);
        if (this.#installed.has(info.id) || this.#other.has(info.id) || pending.has(info.id)) {
          scan.repeatedUpdateIds.push(info.id);
          continue;
        }
        newRevisions++;
        const known = this.#learn(info);
        if (!info.isLeaf && known.applies) {
          pending.add(info.id);
          rounds.holdPrerequisite(info.id);
        } else this.#other.add(info.id);
      }
      const { step, installed } = rounds.afterPage({ truncated: res.truncated, newRevisions });
      for (const id of installed) this.#installed.add(id);
      if (installed.length > 0) pending.clear();
      scan.syncRounds = rounds.rounds;
      if (step === 'drivers') return;
    }
  }

  /** Client-side applicability of a revision: its Core fragment's builds against this machine's build. */
  #learn(info: UpdateInfo): KnownRevision {
    let updateId = EMPTY_GUID;
    let revisionNumber = 0;
    let applies = true;
    try {
      const core = parseCoreFragment(info.xml);
      updateId = core.updateId;
      revisionNumber = core.revisionNumber;
      applies = core.applicableBuilds.length === 0 || core.applicableBuilds.includes(this.osBuild);
    } catch {
      // A fragment we cannot read is cached but never treated as installed or applicable.
      applies = false;
    }
    const known: KnownRevision = {
      updateId,
      revisionNumber,
      isLeaf: info.isLeaf,
      applies,
      deployment: info.deployment,
    };
    this.#known.set(info.id, known);
    return known;
  }

  async #driverSync(scan: ScanResult): Promise<void> {
    const res = await this.#call(() => ({
      operation: 'SyncUpdates',
      cookie: this.#requireCookie(),
      expressQuery: false,
      installedNonLeafUpdateIds: this.#installed.size > 0 ? [...this.#installed] : undefined,
      systemSpec: this.#devices,
      cachedDriverIds: this.#drivers.size > 0 ? [...this.#drivers] : undefined,
      skipSoftwareSync: true,
    }));
    this.#cookie = res.newCookie;
    scan.driverSyncNotNeeded = res.driverSyncNotNeeded;
    for (const info of res.newUpdates) {
      this.#drivers.add(info.id);
      this.#learn(info);
      scan.driverUpdateIds.push(info.id);
    }
  }

  async #extendedInfo(scan: ScanResult): Promise<void> {
    const wanted: number[] = [];
    for (const [id, known] of this.#known) {
      if (known.isLeaf && known.applies && !this.#extendedFetched.has(id)) wanted.push(id);
    }
    for (let i = 0; i < wanted.length; i += this.#maxExtended) {
      const batch = wanted.slice(i, i + this.#maxExtended);
      const res = await this.#call(() => ({
        operation: 'GetExtendedUpdateInfo',
        cookie: this.#requireCookie(),
        revisionIds: batch,
        infoTypes: ['Extended', 'LocalizedProperties'],
        locales: ['en-US', 'en'],
      }));
      const urls = new Map(res.fileLocations.map((l) => [l.fileDigest, l.url]));
      const files = new Map<number, ApplicableFile[]>();
      for (const u of res.updates) {
        if (!u.xml.startsWith('<ExtendedProperties')) continue;
        try {
          const ext = parseExtendedFragment(u.xml);
          files.set(
            u.id,
            ext.files.map((f) => ({ ...f, url: urls.get(f.digestSha1B64) })),
          );
        } catch {
          files.set(u.id, []);
        }
      }
      const outOfScope = new Set(res.outOfScopeRevisionIds);
      for (const id of batch) {
        if (outOfScope.has(id)) continue;
        this.#extendedFetched.add(id);
        const known = this.#known.get(id)!;
        scan.applicableUpdates.push({
          revisionId: id,
          updateId: known.updateId,
          revisionNumber: known.revisionNumber,
          deployment: known.deployment,
          files: files.get(id) ?? [],
        });
      }
    }
  }

  async #report(scan: ScanResult): Promise<void> {
    const now = this.#now();
    const applicable = [...this.#known.values()].filter((k) => k.isLeaf && k.applies).length;
    const events = scanReportEvents(randomUUID, this.clientId, this.osBuild, this.#sequence, now, applicable);
    this.#sequence += events.length;
    await this.#call(() => ({
      operation: 'ReportEventBatch',
      cookie: this.#requireCookie(),
      clientTime: formatWsusTime(now, 'wsus'),
      events,
    }));
    scan.eventsReported += events.length;
  }

  // ---------- one call with its fault recovery ----------

  #requireCookie(): WsusCookie {
    if (!this.#cookie) throw new Error('no cookie: the handshake has not run');
    return this.#cookie;
  }

  /**
   * Sends one operation and parses the answer, recovering from faults per [MS-WUSP] §2.2.2.4: the request is
   * rebuilt after a recovery (it carries the new cookie). `recover` is false inside the handshake itself.
   */
  async #call<O extends WsusOperation>(
    request: (WsusRequest & { operation: O }) | (() => WsusRequest & { operation: O }),
    recover = true,
  ): Promise<WsusResponseOf<O>> {
    const build = typeof request === 'function' ? request : () => request;
    for (let attempt = 0; ; attempt++) {
      const req = build();
      try {
        return await this.#send<O>(req);
      } catch (err) {
        if (!(err instanceof WsusFault)) throw err;
        const code = faultLabel(err);
        const text = this.#faultText(err);
        // WCF's InternalServiceFault has no WSUS code but means what InternalServerError means: retry later.
        const retryLater = err.kind === 'internal-service-fault';
        if (!recover || attempt >= this.#maxRecoveries) {
          throw new ScanAbort(faultFailure(req.operation, code, text, recover, retryLater));
        }
        await this.#recover(req.operation, code, text, retryLater);
      }
    }
  }

  /** A fault's message with the HTTP status it came with and, without an ErrorCode, its faultcode. */
  #faultText(err: WsusFault): string {
    const status = this.#lastStatus === undefined ? '' : `HTTP ${this.#lastStatus}`;
    const faultCode = err.errorCode === undefined && err.faultCode ? `faultcode ${err.faultCode}` : '';
    const context = [status, faultCode].filter(Boolean).join(', ');
    return context ? `${err.message} (${context})` : err.message;
  }

  async #recover(operation: WsusOperation, code: string, message: string, retryLater = false): Promise<void> {
    const note = (steps: string) => this.#scan?.recoveries.push(`${code}: ${steps}`);
    switch (code) {
      case 'CookieExpired':
        note('GetAuthorizationCookie+GetCookie');
        await this.#renewCookie();
        return;
      case 'ConfigChanged':
        note('GetConfig+GetAuthorizationCookie+GetCookie');
        await this.#handshake();
        return;
      case 'RegistrationRequired':
        note('RegisterComputer');
        await this.#register();
        return;
      case 'InvalidCookie':
      case 'ServerChanged':
        note('GetConfig+GetAuthorizationCookie+GetCookie+RegisterComputer+RefreshCache');
        this.#cookie = undefined;
        await this.#handshake();
        await this.#refreshCache();
        return;
      default:
        throw new ScanAbort(faultFailure(operation, code, message, true, retryLater));
    }
  }

  /** After a server change: map cached update identities to the server's revision ids ([MS-WUSP] §3.1.5.8). */
  async #refreshCache(): Promise<void> {
    const globalIds = [...this.#known.values()]
      .filter((k) => k.updateId !== EMPTY_GUID)
      .map((k) => ({ updateId: k.updateId, revisionNumber: k.revisionNumber }));
    if (globalIds.length === 0) return;
    const res = await this.#call(
      () => ({ operation: 'RefreshCache', cookie: this.#requireCookie(), globalIds }),
      false,
    );
    const byUpdate = new Map(res.results.map((r) => [r.globalId.updateId.toLowerCase(), r]));
    const remap = (ids: Set<number>): Set<number> => {
      const next = new Set<number>();
      for (const id of ids) {
        const known = this.#known.get(id);
        const found = known ? byUpdate.get(known.updateId) : undefined;
        if (found) next.add(found.revisionId);
      }
      return next;
    };
    this.#installed = remap(this.#installed);
    this.#other = remap(this.#other);
    this.#drivers = remap(this.#drivers);
    const known = new Map<number, KnownRevision>();
    for (const k of this.#known.values()) {
      const found = byUpdate.get(k.updateId);
      if (found) known.set(found.revisionId, k);
    }
    this.#known = known;
    this.#extendedFetched.clear();
  }

  async #send<O extends WsusOperation>(req: WsusRequest & { operation: O }): Promise<WsusResponseOf<O>> {
    const op = req.operation;
    const body = buildWsusRequest(req);
    const stats = [
      this.#counterFor(this.counters, op),
      ...(this.#scan ? [this.#counterFor(this.#scan.operations, op)] : []),
    ];
    let res: Awaited<ReturnType<HttpClient['send']>>;
    try {
      res = await this.#http.send('POST', this.#urlFor(op), wsusHeaders(op), body);
    } catch (err) {
      const failure = err instanceof HttpFailure ? err : new HttpFailure(String(err), 'other', err);
      throw new ScanAbort({
        kind: 'transport',
        operation: op,
        message: `${failure.kind}: ${failure.message}`,
      });
    }
    for (const s of stats) {
      s.requests += 1;
      s.bytesOut += res.bytesOut;
      s.bytesIn += res.bytesIn;
    }
    if (this.#scan) {
      this.#scan.requests += 1;
      this.#scan.bytesOut += res.bytesOut;
      this.#scan.bytesIn += res.bytesIn;
    }
    const text = res.body.toString('utf8');
    this.#lastStatus = res.status;
    try {
      return parseWsusResponse(op, text) as WsusResponseOf<O>;
    } catch (err) {
      if (err instanceof WsusFault) {
        const code = faultLabel(err);
        for (const s of stats) s.faults[code] = (s.faults[code] ?? 0) + 1;
        throw err;
      }
      if (res.status !== 200) {
        throw new ScanAbort({
          kind: res.status >= 500 ? 'retry-later' : 'http',
          operation: op,
          status: res.status,
          message: `HTTP ${res.status} from ${op}`,
        });
      }
      throw new ScanAbort({ kind: 'protocol', operation: op, status: 200, message: (err as Error).message });
    }
  }

  /** Every operation at its service's path on the SUP, but GetAuthorizationCookie at the advertised one. */
  #urlFor(op: WsusOperation): string {
    const auth = this.#authorization;
    if (op !== 'GetAuthorizationCookie' || auth.kind !== 'service') return this.#origin + pathFor(op);
    const { origin, path } = authorizationTarget(this.#origin, auth.serviceUrl);
    return origin + path;
  }

  #counterFor(map: Partial<Record<WsusOperation, OperationCounters>>, op: WsusOperation): OperationCounters {
    let c = map[op];
    if (!c) {
      c = { requests: 0, bytesOut: 0, bytesIn: 0, faults: {} };
      map[op] = c;
    }
    return c;
  }

  toString(): string {
    return `WsusScanClient(${this.#computerName}, ${this.clientId}, build ${this.osBuild})`;
  }
}

/** W-TIME: the clear-text Expiration is a server time, UTC even without a zone; unreadable = expired. */
function cookieExpired(cookie: WsusCookie, now: number): boolean {
  const expires = readWsusTime(cookie.expiration);
  return expires === undefined || expires <= now;
}

function faultFailure(
  operation: WsusOperation,
  code: string,
  message: string,
  afterRecovery: boolean,
  noCodeRetryLater = false,
): ScanFailure {
  const retryLater = noCodeRetryLater || code === 'ServerBusy' || code === 'InternalServerError';
  return {
    kind: retryLater ? 'retry-later' : 'fault',
    operation,
    errorCode: code,
    message: afterRecovery && !retryLater ? `${code} from ${operation}: ${message}` : `${code}: ${message}`,
  };
}

/** A stable GUID from text (name-based, like RFC 4122 version 5 over SHA-1). */
function guidFrom(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Devices of a typical (virtual) PC; a few match the reference catalog's drivers. */
const COMMON_DEVICES: readonly [string, string, string][] = [
  ['PCI\\VEN_1AF4&DEV_1000&SUBSYS_00011AF4&REV_00', 'Net', 'Red Hat VirtIO Ethernet Adapter'],
  ['PCI\\VEN_1AF4&DEV_1001&SUBSYS_00021AF4&REV_00', 'SCSIAdapter', 'Red Hat VirtIO SCSI controller'],
  ['PCI\\VEN_8086&DEV_15BC&SUBSYS_08B21028&REV_10', 'Net', 'Intel(R) Ethernet Connection (7) I219-V'],
  ['PCI\\VEN_8086&DEV_2918&SUBSYS_11001AF4&REV_02', 'System', 'Intel(R) ICH9 LPC Interface Controller'],
  ['PCI\\VEN_8086&DEV_2922&SUBSYS_11001AF4&REV_02', 'SCSIAdapter', 'Standard SATA AHCI Controller'],
  ['PCI\\VEN_8086&DEV_2930&SUBSYS_11001AF4&REV_02', 'System', 'Intel(R) ICH9 SMBus Controller'],
  [
    'PCI\\VEN_8086&DEV_29C0&SUBSYS_11001AF4&REV_00',
    'System',
    'Intel(R) 82G33/G31/P35/P31 Processor to DRAM Controller',
  ],
  ['PCI\\VEN_1234&DEV_1111&SUBSYS_11001AF4&REV_02', 'Display', 'Microsoft Basic Display Adapter'],
  ['PCI\\VEN_1B36&DEV_000D&SUBSYS_11001AF4&REV_01', 'USB', 'Standard USB 3.0 eXtensible Host Controller'],
  ['USB\\VID_0627&PID_0001&REV_0000', 'HIDClass', 'USB Input Device'],
  ['HID\\VID_0627&PID_0001&REV_0000', 'Mouse', 'HID-compliant mouse'],
  ['ACPI\\PNP0303', 'Keyboard', 'Standard PS/2 Keyboard'],
  ['ACPI\\PNP0A08', 'System', 'PCI Express Root Complex'],
  ['ACPI\\PNP0B00', 'System', 'System CMOS/real time clock'],
  ['ACPI\\PNP0501', 'Ports', 'Communications Port (COM1)'],
  ['ACPI\\ACPI0010', 'System', 'Generic Bus'],
  ['ACPI\\QEMU0002', 'System', 'Motherboard resources'],
  ['ROOT\\BasicRender', 'System', 'Microsoft Basic Render Driver'],
  ['SWD\\MMDEVAPI\\{0.0.0.00000000}', 'AudioEndpoint', 'Speakers'],
  ['STORAGE\\Volume', 'Volume', 'Volume'],
];

/** The hardware ids PnP reports for a device, most specific first (VEN&DEV&SUBSYS&REV … VEN&DEV). */
function hardwareIdForms(hwid: string): string[] {
  const parts = hwid.split('&');
  if (parts.length < 3) return [hwid];
  const forms = [hwid, parts.slice(0, -1).join('&')];
  const rev = parts.find((p) => p.startsWith('REV_'));
  if (rev) forms.push(`${parts[0]}&${parts[1]}&${rev}`);
  forms.push(`${parts[0]}&${parts[1]}`);
  return [...new Set(forms)];
}

function defaultDevices(computerName: string): Device[] {
  const h = createHash('sha1').update(computerName).digest();
  return COMMON_DEVICES.map(([hwid, cls, model], i) => ({
    hardwareIds: hardwareIdForms(hwid),
    compatibleIds: [hwid.split('&')[0]!],
    installedDriver: {
      driverVerDate: '2006-06-21',
      driverVerVersion: String(2814750970478592 + h[i % h.length]!),
      class: cls,
      manufacturer: 'Microsoft',
      provider: 'Microsoft',
      model,
      driverRank: 16719872,
    },
  }));
}
