// A protocol-level WSUS scan client for one emulated machine (computer name, client id, OS build) over real
// HTTP: the cold scan of behaviour.md W-COLD and the warm (delta) scan of W-DELTA, as a plain await loop
// over the client layer's scan exchange (harness/client/scan-exchange.ts), the one the swarm runs. The
// handshake, the SyncUpdates rounds and pages (W-PAGE), the driver pass, extended info and the report are
// the exchange's; the recovery from a fault (W-COOKIE) is the fleet's rule (harness/fleet/wsus-recovery.ts:
// recoveryFor, and scanHandshake for the repeat's handshake) applied to what this machine keeps between
// scans as the fleet's scan flow applies it to a client record (scan-flow.ts onScanResult). This file sends,
// keeps that session, and reports what each scan cost on the wire and what the server offered (it reads
// the replies it carried for the report; it decides nothing from them). Used by discovery, bench and tests.
import { createHash } from 'node:crypto';
import { base64Encode, hexDecode } from '../../protocol/bytes.ts';
import { faultLabel, parseWsusResponse, WsusFault } from '../../protocol/wsus/index.ts';
import type { WsusCookie, WsusOperation } from '../../protocol/wsus/index.ts';
import { CookieJar } from '../client/cookie-jar.ts';
import { emptyStats, type ExchangeStep } from '../client/exchange.ts';
import type { CatalogKnowledge } from '../client/knowledge.ts';
import type { ClientReply, ClientRequest } from '../client/request.ts';
import { type ScanContext, ScanExchange } from '../client/scan-exchange.ts';
import { ShardKnowledge } from '../client/shard-knowledge.ts';
import { createNodePlatform } from '../engine/node-platform.ts';
import {
  type ClientIdentity,
  defaultRules,
  defaultTimers,
  defineFleetConfig,
  recoveryFor,
  type ScanAction,
  type ScanResult as FleetScanResult,
  scanHandshake,
  type WsusSessionFacts,
} from '../fleet/index.ts';
import { HttpFailure, type HttpClient } from './http.ts';

export interface WsusScanClientOptions {
  /** SUP origin, e.g. "http://127.0.0.1:8530" (the web services; content URLs come from the server). */
  supUrl: string;
  /** NetBIOS-style computer name; the DNS name and default client id derive from it. */
  computerName: string;
  dnsName?: string;
  /** WUA SusClientId (default: a GUID derived from the computer name, stable across runs). */
  clientId?: string;
  /** OS build (default 22631, Windows 11 23H2): decides which revisions apply. */
  osBuild?: number;
  /** The client's clock: cookie expiry before a scan, request times (default Date.now). */
  now?: () => number;
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
  /** A 200 answer that could not be used. */
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
  /** Software SyncUpdates pages read. */
  syncPages: number;
  /** Rounds of the software pass (W-PAGE: a new round only after one that brought prerequisites). */
  syncRounds: number;
  /** Revision ids the server offered as new (software pass, in order). */
  newUpdateIds: number[];
  /** New ids the client already had: a server that ignores the cache (should be 0). */
  repeatedUpdateIds: number[];
  /** Reported as the server sent them (the cache is not pruned: harness/client README, Known limits). */
  outOfScopeIds: number[];
  changedUpdateIds: number[];
  driverUpdateIds: number[];
  driverSyncNotNeeded?: boolean;
  /** Leaf revisions applicable to this machine, first seen in this scan, whose extended info was read. */
  applicableUpdates: ApplicableUpdate[];
  /** Fault recoveries, e.g. "CookieExpired: GetAuthorizationCookie+GetCookie" (the repeat's handshake). */
  recoveries: string[];
  eventsReported: number;
  cacheSize: number;
  durationMs: number;
}

/** The one client of this one-machine shard. */
const CLIENT = 0;

/** What WUA keeps between scans of one SUP: the fields of the fleet's client record a scan reads. */
interface WsusSession extends WsusSessionFacts {
  catalogVersion: number;
}

/** The last request sent and what came back, for the failure text. */
interface LastCall {
  operation: WsusOperation;
  status?: number;
  text?: string;
  transport?: HttpFailure;
}

export class WsusScanClient {
  readonly clientId: string;
  readonly dnsName: string;
  readonly osBuild: number;
  /** Whole-life counters per operation. */
  readonly counters: Partial<Record<WsusOperation, OperationCounters>> = {};
  readonly #http: HttpClient;
  readonly #supUrl: string;
  readonly #computerName: string;
  readonly #identity: ClientIdentity;
  readonly #now: () => number;
  readonly #platform = createNodePlatform();
  #ctx!: ScanContext;
  #session!: WsusSession;

  constructor(http: HttpClient, options: WsusScanClientOptions) {
    this.#http = http;
    this.#supUrl = options.supUrl.replace(/\/+$/, '');
    this.#computerName = options.computerName;
    this.dnsName = options.dnsName ?? `${options.computerName.toLowerCase()}.patchstorm.test`;
    this.clientId = (options.clientId ?? guidFrom(`wsus-client/${options.computerName}`)).toLowerCase();
    this.osBuild = options.osBuild ?? 22631;
    this.#now = options.now ?? Date.now;
    this.#identity = {
      smsGuid: '',
      susClientId: this.clientId,
      hostName: options.computerName,
      dnsName: this.dnsName,
    };
    this.#forget();
  }

  /** Current cookie (undefined before the first handshake). */
  get cookie(): WsusCookie | undefined {
    return this.#ctx.cookies.get(CLIENT);
  }

  /** Revision ids the client holds: installed non-leaf, other cached (leafs included), drivers. */
  get cache(): { installedNonLeaf: number[]; otherCached: number[]; drivers: number[] } {
    const machine = this.#ctx.knowledge.machines[0]!;
    const { installed, other } = machine.cacheFor(this.#session.cachedCount);
    return {
      installedNonLeaf: [...installed],
      otherCached: [...other],
      drivers: machine.driversFor(this.#session.cachedCount),
    };
  }

  /** W-COLD: forget everything, full handshake, all SyncUpdates pages, driver pass, extended info, report. */
  coldScan(): Promise<ScanResult> {
    this.#forget();
    return this.#runScan('cold');
  }

  /** W-DELTA: skip the handshake while the cookie is valid and send the whole cache. */
  warmScan(): Promise<ScanResult> {
    return this.#runScan('warm');
  }

  /** The SyncUpdates body a warm scan would send now (whole cache, current cookie): for benchmarks. */
  warmSyncUpdatesBody(): string {
    if (!this.cookie) throw new Error('warmSyncUpdatesBody: scan first, the client has no cookie');
    const action = { ...this.#action(false), handshake: [] };
    const body = new ScanExchange(this.#ctx, CLIENT, action).start(this.#now()).actions?.[0]?.body;
    if (typeof body !== 'string')
      throw new Error('warmSyncUpdatesBody: the scan exchange sent no SyncUpdates');
    return body;
  }

  /** A new one-machine shard: no catalog, no cookie, no config (a machine WSUS never saw). */
  #forget(): void {
    const empty: CatalogKnowledge = {
      format: 1,
      supUrl: this.#supUrl,
      discoveredAt: 0,
      catalogVersion: 1,
      lastChange: '',
      maxExtendedUpdatesPerRequest: 50,
      updates: [],
      machines: [],
      coldScans: [],
    };
    const config = defineFleetConfig({
      seed: 1,
      machines: [{ name: 'driver', build: this.osBuild, weight: 1, installedFraction: 0 }],
    });
    const identity = this.#identity;
    const session = (): WsusSession => this.#session;
    this.#ctx = {
      knowledge: new ShardKnowledge(empty, config),
      cookies: new CookieJar(1),
      sups: [{ origin: this.#supUrl }],
      platform: this.#platform,
      slotOf: () => CLIENT,
      eventSequence: this.#ctx?.eventSequence ?? new Uint32Array(1),
      stats: emptyStats(),
      fleet: {
        identity: () => identity,
        client: () => ({
          policyCatalogVersion: session().catalogVersion,
          cachedCatalogVersion: session().catalogVersion,
        }),
      },
    };
    this.#session = {
      configCached: false,
      registered: false,
      mustRegister: false,
      needsRefreshCache: false,
      needsFileLocations: false,
      cookieExpiresAt: 0,
      cachedCount: 0,
      catalogVersion: 1,
    };
  }

  /** The online scan the fleet would ask for now (scan-flow.ts pushOnlineScan, the same scanHandshake). */
  #action(repeat: boolean): ScanAction {
    const s = this.#session;
    return {
      kind: 'scan',
      online: true,
      forced: true,
      reason: 'forced',
      ...scanHandshake(s, this.#now()),
      repeat,
      sup: 0,
      machine: 0,
      cachedCount: s.cachedCount,
    };
  }

  async #runScan(kind: 'cold' | 'warm'): Promise<ScanResult> {
    const started = performance.now();
    const scan = emptyScan(kind);
    const c = this.cache;
    const seen = new Set([...c.installedNonLeaf, ...c.otherCached]);
    const pagesBefore = this.#ctx.stats.scanPages;
    const sequenceBefore = this.#ctx.eventSequence[CLIENT]!;
    const exchange = new ScanExchange(this.#ctx, CLIENT, this.#action(false));
    let recoveries = 0;
    let last: LastCall | undefined;
    let step: ExchangeStep = exchange.start(this.#now());
    for (;;) {
      const done = step.done as FleetScanResult | undefined;
      if (done) {
        if (done.outcome === 'ok') {
          this.#succeeded(done);
          scan.eventsReported = this.#ctx.eventSequence[CLIENT]! - sequenceBefore;
          break;
        }
        if (done.outcome === 'fault' && this.#recovered(done, recoveries)) {
          recoveries++;
          const action = this.#action(true);
          scan.recoveries.push(`${done.fault}: ${action.handshake.join('+')}`);
          exchange.resume(action);
          step = exchange.start(this.#now());
          continue;
        }
        scan.ok = false;
        // Ended before sending (GetConfig named an authorization it cannot use): GetConfig is to blame.
        scan.failure = failureOf(done, last ?? { operation: 'GetConfig', status: 200, text: '' });
        break;
      }
      const request = step.actions![0]!;
      const operation = request.operation.slice('wsus.'.length) as WsusOperation;
      const sent = await this.#send(request, scan);
      const now = this.#now();
      if (sent instanceof HttpFailure) {
        last = { operation, transport: sent };
        step = exchange.failure(request, sent.kind);
        continue;
      }
      const text = sent.body.byteLength === 0 ? '' : this.#platform.utf8Decode(sent.body);
      last = { operation, status: sent.status, text };
      if (operation === 'SyncUpdates' && sent.status === 200) this.#observe(exchange.phase, text, scan, seen);
      step = exchange.reply(request, sent, now);
      const ended = step.done as FleetScanResult | undefined;
      if (ended && ended.outcome !== 'ok') this.#countFault(operation, text, scan);
    }
    scan.syncPages = this.#ctx.stats.scanPages - pagesBefore;
    scan.syncRounds = exchange.syncRounds;
    scan.applicableUpdates = exchange.extendedApplicable.map((g) => this.#applicable(g));
    const after = this.cache;
    scan.cacheSize = after.installedNonLeaf.length + after.otherCached.length + after.drivers.length;
    scan.durationMs = performance.now() - started;
    return scan;
  }

  /** The fleet's W-COOKIE rule (scan-flow.ts onScanResult): true when the scan call is repeated. */
  #recovered(result: Extract<FleetScanResult, { outcome: 'fault' }>, done: number): boolean {
    const recovery = recoveryFor(result.fault);
    if (recovery.action !== 'repeat' || done >= MAX_FAULT_RECOVERIES) return false;
    const s = this.#session;
    if (recovery.dropConfig) s.configCached = false;
    // A cookie obtained earlier in this scan stays valid unless the fault says otherwise.
    if (result.cookieExpiresAt !== undefined) s.cookieExpiresAt = result.cookieExpiresAt;
    if (recovery.dropCookie) s.cookieExpiresAt = 0;
    if (recovery.refreshCache) s.needsRefreshCache = true;
    if (recovery.fileLocations) s.needsFileLocations = true;
    s.mustRegister = recovery.register;
    if (result.fault === 'RegistrationNotRequired') s.registered = true;
    return true;
  }

  /** What a successful scan leaves (scan-flow.ts scanSucceeded). */
  #succeeded(result: Extract<FleetScanResult, { outcome: 'ok' }>): void {
    const s = this.#session;
    s.configCached = true;
    s.registered = true;
    s.needsRefreshCache = false;
    s.needsFileLocations = false;
    s.mustRegister = false;
    s.cookieExpiresAt = result.cookieExpiresAt ?? this.#now() + DEFAULT_COOKIE_LIFETIME_MS;
    s.catalogVersion = result.catalogVersion;
    s.cachedCount = Math.min(result.evaluatedCount, this.#ctx.knowledge.machines[0]!.table.length);
  }

  /** Sends one request; a transport failure comes back as the HttpFailure. */
  async #send(request: ClientRequest, scan: ScanResult): Promise<ClientReply | HttpFailure> {
    const op = request.operation.slice('wsus.'.length) as WsusOperation;
    const body = typeof request.body === 'function' ? request.body() : request.body;
    const started = performance.now();
    let res: Awaited<ReturnType<HttpClient['send']>>;
    try {
      res = await this.#http.send(request.method, request.origin + request.path, request.headers, body);
    } catch (err) {
      return err instanceof HttpFailure ? err : new HttpFailure(String(err), 'other', err);
    }
    for (const counter of [counterFor(this.counters, op), counterFor(scan.operations, op)]) {
      counter.requests += 1;
      counter.bytesOut += res.bytesOut;
      counter.bytesIn += res.bytesIn;
    }
    scan.requests += 1;
    scan.bytesOut += res.bytesOut;
    scan.bytesIn += res.bytesIn;
    return {
      status: res.status,
      headers: res.headers,
      body: res.body,
      latencyMs: performance.now() - started,
    };
  }

  /** Reads a SyncUpdates answer for the report: what was offered, in the pass the exchange was in. */
  #observe(phase: ScanExchange['phase'], text: string, scan: ScanResult, seen: Set<number>): void {
    let res: ReturnType<typeof parseWsusResponse<'SyncUpdates'>>;
    try {
      res = parseWsusResponse('SyncUpdates', text);
    } catch {
      return; // the exchange ends the scan on it and names why
    }
    if (phase === 'drivers') {
      scan.driverSyncNotNeeded = res.driverSyncNotNeeded;
      for (const info of res.newUpdates) scan.driverUpdateIds.push(info.id);
      return;
    }
    scan.outOfScopeIds.push(...res.outOfScopeRevisionIds);
    for (const info of res.changedUpdates) scan.changedUpdateIds.push(info.id);
    for (const info of res.newUpdates) {
      scan.newUpdateIds.push(info.id);
      if (seen.has(info.id)) scan.repeatedUpdateIds.push(info.id);
      seen.add(info.id);
    }
  }

  /** Counts the fault a reply that ended the exchange carried, by its label. */
  #countFault(op: WsusOperation, text: string, scan: ScanResult): void {
    const fault = faultIn(op, text);
    if (!fault) return;
    const code = faultLabel(fault);
    for (const counter of [counterFor(this.counters, op), counterFor(scan.operations, op)]) {
      counter.faults[code] = (counter.faults[code] ?? 0) + 1;
    }
  }

  #applicable(global: number): ApplicableUpdate {
    const u = this.#ctx.knowledge.updates[global]!;
    return {
      revisionId: u.revisionId,
      updateId: u.updateId,
      revisionNumber: u.revisionNumber,
      files: u.files.map((f) => ({
        fileName: f.fileName,
        digestSha1B64: base64Encode(hexDecode(f.sha1Hex)),
        ...(f.sha256B64 === undefined ? {} : { sha256B64: f.sha256B64 }),
        size: f.size,
        ...(f.url === undefined ? {} : { url: f.url }),
      })),
    };
  }

  toString(): string {
    return `WsusScanClient(${this.#computerName}, ${this.clientId}, build ${this.osBuild})`;
  }
}

/** The swarm's limits (defaults of harness/fleet/config.ts), so the driver recovers and renews as it does. */
const MAX_FAULT_RECOVERIES = defaultRules().maxFaultRecoveriesPerScan;
const DEFAULT_COOKIE_LIFETIME_MS = defaultTimers().defaultCookieLifetimeMs;

function emptyScan(kind: 'cold' | 'warm'): ScanResult {
  return {
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
}

function counterFor(
  map: Partial<Record<WsusOperation, OperationCounters>>,
  op: WsusOperation,
): OperationCounters {
  let c = map[op];
  if (!c) {
    c = { requests: 0, bytesOut: 0, bytesIn: 0, faults: {} };
    map[op] = c;
  }
  return c;
}

function faultIn(op: WsusOperation, text: string): WsusFault | undefined {
  try {
    parseWsusResponse(op, text);
  } catch (err) {
    if (err instanceof WsusFault) return err;
  }
  return undefined;
}

/** The named failure of a scan the exchange ended, from the fleet's result and the last call. */
function failureOf(result: FleetScanResult, last: LastCall): ScanFailure {
  const operation = last.operation;
  if (last.transport) {
    return { kind: 'transport', operation, message: `${last.transport.kind}: ${last.transport.message}` };
  }
  const fault = faultIn(operation, last.text ?? '');
  if (fault) {
    const code = faultLabel(fault);
    const retryLater =
      result.outcome === 'fault' && (result.fault === 'ServerBusy' || result.fault === 'InternalServerError');
    const context = [
      last.status === undefined ? '' : `HTTP ${last.status}`,
      fault.errorCode === undefined && fault.faultCode ? `faultcode ${fault.faultCode}` : '',
    ].filter(Boolean);
    const text = context.length > 0 ? `${fault.message} (${context.join(', ')})` : fault.message;
    return {
      kind: retryLater ? 'retry-later' : 'fault',
      operation,
      errorCode: code,
      message: retryLater ? `${code}: ${text}` : `${code} from ${operation}: ${text}`,
    };
  }
  const status = last.status ?? 0;
  if (status !== 200) {
    return {
      kind: status >= 500 ? 'retry-later' : 'http',
      operation,
      status,
      message: `HTTP ${status} from ${operation}`,
    };
  }
  const failure = result.outcome === 'failed' ? result.failure : 'protocol';
  let why = `unusable ${operation} answer`;
  try {
    parseWsusResponse(operation, last.text ?? '');
  } catch (err) {
    why = (err as Error).message;
  }
  return { kind: 'protocol', operation, status, message: `${failure}: ${why}` };
}

/** A stable GUID from text (name-based, like RFC 4122 version 5 over SHA-1). */
function guidFrom(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
