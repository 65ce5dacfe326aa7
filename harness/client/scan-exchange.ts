// An online scan (S-ONLINE) as a cursor over its requests: the handshake steps the fleet asked for
// (W-COLD, W-COOKIE; GetAuthorizationCookie at GetConfig's ServiceUrl, none for the Anonymous plug-in,
// W-AUTH), SyncUpdates rounds and pages with the client's cache as WUA walks them (W-PAGE, W-DELTA:
// harness/fleet/wsus-paging.ts), one driver pass, GetExtendedUpdateInfo batches for the newly applicable updates, and the
// ReportEventBatch. Replies are read with scanSyncUpdatesSummary; a revision the shard has never seen
// is parsed in full once per shard and appended to the shard's tables. A fault ends the exchange with a
// fault result; the fleet decides the recovery and, when it repeats the call, the same cursor resumes
// (the pages already fetched are kept, as WUA keeps them).
import { base64Encode, hexDecode } from '../../protocol/bytes.ts';
import {
  authorizationFrom,
  authorizationTarget,
  type ClientIdentity,
  SoftwareSyncRounds,
  type ScanAction,
  type ScanResult,
  type WsusStep,
} from '../fleet/index.ts';
import {
  formatWsusTime,
  parseWsusResponse,
  readWsusTime,
  scanSyncUpdatesSummary,
  type SyncUpdatesSummary,
  type WsusCookie,
  type WsusOperation,
  type WsusRequest,
} from '../../protocol/wsus/index.ts';
import { computerInfo, scanReportEvents } from './wua-identity.ts';
import type { ClientRequest, ClientReply } from './request.ts';
import {
  type AdapterContext,
  type Exchange,
  type ExchangeStep,
  replyText,
  type SupTarget,
} from './exchange.ts';
import { appliesTo } from './knowledge.ts';
import type { MachineCache } from './shard-knowledge.ts';
import { applyExtendedFragment, applyLocalizedFragment, urlsByDigest } from './update-metadata.ts';
import { endedBy, parseOrEnd, unusableReply } from './wsus-outcome.ts';
import type { ErrorKind } from './error-kinds.ts';
import { SYSTEM_SPEC, WSUS_PROTOCOL_VERSION, wsusAction } from './wsus-requests.ts';

/** Safety stop for a server that keeps offering updates (W-PAGE); real catalogs need a handful of pages. */
const MAX_PAGES = 200;

type Phase = 'software' | 'drivers' | 'extended' | 'report' | 'done';

/** What a scan reads of its client's fleet record: its identity and the catalog version its policy names. */
export interface ScanFleetView {
  identity(client: number): ClientIdentity;
  client(client: number): { readonly policyCatalogVersion: number; readonly cachedCatalogVersion: number };
}

/**
 * The part of a shard's AdapterContext a scan uses. The swarm passes its AdapterContext (the Fleet is the
 * view); the driver's one-machine scan client (harness/driver/wsus-client.ts) passes a one-slot context.
 */
export type ScanContext = Pick<
  AdapterContext,
  'knowledge' | 'cookies' | 'sups' | 'platform' | 'slotOf' | 'eventSequence' | 'stats'
> & { fleet: ScanFleetView };

export class ScanExchange implements Exchange {
  readonly client: number;
  readonly #ctx: ScanContext;
  readonly #slot: number;
  readonly #machine: MachineCache;
  readonly #catalogVersion: number;
  #sup: SupTarget;
  #identity: ClientIdentity | undefined;
  /** Handshake calls still to make before the current phase's call. */
  #steps: WsusStep[];
  #phase: Phase = 'software';
  /** Table positions the client cached when the scan began. */
  readonly #cachedCount: number;
  /** Revision ids learned in this scan, by where they go in the cache. */
  readonly #installed: number[] = [];
  readonly #other: number[] = [];
  readonly #drivers: number[] = [];
  readonly #learned = new Set<number>();
  /** Global indices of leaf revisions applicable to this machine first seen in this scan. */
  readonly #applicable: number[] = [];
  #extendedAt = 0;
  /** The software pass's rounds and pages; prerequisites of the open round wait there (W-PAGE). */
  readonly #rounds = new SoftwareSyncRounds(MAX_PAGES);
  /** The handshake starts at GetConfig (cold): RegisterComputer only if GetConfig asks for it. */
  #cold: boolean;
  #newUpdates = 0;
  #auth: { plugInId: string; cookieData: string } | undefined;
  /** GetCookie succeeded in this exchange. */
  #gotCookie = false;
  /** The error kind of the 200 reply being read when it could not be used. */
  #unusable: ErrorKind | undefined;

  constructor(ctx: ScanContext, client: number, action: ScanAction) {
    this.#ctx = ctx;
    this.client = client;
    this.#slot = ctx.slotOf(client);
    this.#machine = ctx.knowledge.machines[action.machine]!;
    this.#sup = ctx.sups[action.sup] ?? ctx.sups[0]!;
    this.#cachedCount = action.cachedCount;
    this.#steps = [...action.handshake];
    this.#cold = action.handshake.includes('GetConfig');
    // The scan is for the UpdateSource version the client's policy names (its location request did too).
    const record = ctx.fleet.client(client);
    this.#catalogVersion = Math.max(record.policyCatalogVersion, record.cachedCatalogVersion);
  }

  /** The fleet repeats the failed call after a fault recovery: run its handshake, then the same call. */
  resume(action: ScanAction): void {
    this.#sup = this.#ctx.sups[action.sup] ?? this.#sup;
    this.#steps = [...action.handshake];
    this.#cold = action.handshake.includes('GetConfig');
  }

  start(now: number): ExchangeStep {
    return this.#next(now);
  }

  /** Where the scan is: the software pass, the driver pass, extended info, the report, or done. */
  get phase(): Phase {
    return this.#phase;
  }

  /** Rounds of the software pass so far (W-PAGE). */
  get syncRounds(): number {
    return this.#rounds.rounds;
  }

  /** Global indices of the applicable leaf revisions first seen in this scan whose extended info was read. */
  get extendedApplicable(): readonly number[] {
    return this.#applicable.slice(0, this.#extendedAt);
  }

  failure(_action: ClientRequest, error: string): ExchangeStep {
    return { done: { kind: 'scan-result', outcome: 'failed', failure: error } };
  }

  reply(action: ClientRequest, reply: ClientReply, now: number): ExchangeStep {
    const op = action.operation.slice('wsus.'.length) as WsusOperation;
    const text = replyText(this.#ctx, reply);
    this.#unusable = undefined;
    const ended = reply.status === 200 ? this.#read(op, text) : unusableReply(op, reply.status, text);
    if (!ended) return this.#next(now);
    const unusable = reply.status === 200 ? this.#unusable : undefined;
    return unusable === undefined
      ? { done: this.#withCookie(ended) }
      : { done: this.#withCookie(ended), unusable };
  }

  /** parseOrEnd, remembering the error kind of a reply that could not be used. */
  #parse<O extends WsusOperation>(op: O, text: string): ReturnType<typeof parseOrEnd<O>> {
    const r = parseOrEnd(op, text);
    if (!r.ok) this.#unusable = r.unusable;
    return r;
  }

  /** A fault after this scan's GetCookie tells the fleet the new cookie's expiry (it may keep it). */
  #withCookie(result: ScanResult): ScanResult {
    if (result.outcome !== 'fault' || !this.#gotCookie) return result;
    const cookie = this.#ctx.cookies.get(this.#slot);
    const expires = cookie ? readWsusTime(cookie.expiration) : undefined;
    return expires === undefined ? result : { ...result, cookieExpiresAt: expires };
  }

  get #id(): ClientIdentity {
    this.#identity ??= this.#ctx.fleet.identity(this.client);
    return this.#identity;
  }

  /** Reads one 200 answer; returns the scan result when it ends the scan. */
  #read(op: WsusOperation, text: string): ScanResult | undefined {
    const { knowledge, cookies } = this.#ctx;
    switch (op) {
      case 'GetConfig': {
        const r = this.#parse('GetConfig', text);
        if (!r.ok) return r.result;
        knowledge.lastChange = r.value.lastChange;
        const max = Number(r.value.properties.MaxExtendedUpdatesPerRequest);
        if (Number.isInteger(max) && max > 0) knowledge.maxExtendedUpdatesPerRequest = max;
        knowledge.authorization = authorizationFrom(r.value.authPlugIns);
        knowledge.registrationRequired = r.value.isRegistrationRequired;
        return undefined;
      }
      case 'GetAuthorizationCookie': {
        const r = this.#parse('GetAuthorizationCookie', text);
        if (!r.ok) return r.result;
        this.#auth = { plugInId: r.value.plugInId, cookieData: r.value.cookieData };
        return undefined;
      }
      case 'GetCookie': {
        const r = this.#parse('GetCookie', text);
        if (!r.ok) return r.result;
        cookies.set(this.#slot, r.value);
        this.#gotCookie = true;
        return undefined;
      }
      case 'GetFileLocations': {
        const r = this.#parse('GetFileLocations', text);
        if (!r.ok) return r.result;
        cookies.set(this.#slot, r.value.newCookie);
        return undefined;
      }
      case 'RegisterComputer':
      case 'RefreshCache': {
        const r = this.#parse(op, text);
        return r.ok ? undefined : r.result;
      }
      case 'SyncUpdates':
        return this.#phase === 'software' ? this.#readSoftwarePage(text) : this.#readDriverPass(text);
      case 'GetExtendedUpdateInfo':
        return this.#readExtended(text);
      case 'ReportEventBatch': {
        const r = this.#parse('ReportEventBatch', text);
        if (!r.ok) return r.result;
        this.#phase = 'done';
        return this.#succeeded();
      }
      default:
        return { kind: 'scan-result', outcome: 'failed', failure: 'protocol' };
    }
  }

  #summary(text: string): SyncUpdatesSummary | ScanResult {
    try {
      return scanSyncUpdatesSummary(text);
    } catch {
      const r = this.#parse('SyncUpdates', text);
      if (!r.ok) return r.result;
      this.#unusable = 'protocol';
      return { kind: 'scan-result', outcome: 'failed', failure: 'protocol' };
    }
  }

  #readSoftwarePage(text: string): ScanResult | undefined {
    const summary = this.#summary(text);
    if ('kind' in summary) return summary;
    this.#ctx.cookies.set(this.#slot, summary.newCookie);
    this.#ctx.stats.scanPages++;
    const unreadable = this.#learnUnknown(summary.newIds, text);
    if (unreadable) return unreadable;
    let newRevisions = 0;
    for (const id of summary.newIds) {
      if (this.#learned.has(id) || this.#inBaseCache(id)) {
        this.#ctx.stats.repeatedUpdates++;
        continue;
      }
      newRevisions++;
      this.#take(id, true);
    }
    const { step, installed } = this.#rounds.afterPage({ truncated: summary.truncated, newRevisions });
    for (const id of installed) this.#installed.push(id);
    if (step === 'drivers') this.#phase = 'drivers';
    return undefined;
  }

  #readDriverPass(text: string): ScanResult | undefined {
    const summary = this.#summary(text);
    if ('kind' in summary) return summary;
    this.#ctx.cookies.set(this.#slot, summary.newCookie);
    const unreadable = this.#learnUnknown(summary.newIds, text);
    if (unreadable) return unreadable;
    for (const id of summary.newIds) if (!this.#learned.has(id)) this.#take(id, false);
    this.#phase = this.#applicable.length > 0 ? 'extended' : 'report';
    return undefined;
  }

  /**
   * Parses the reply in full when it names revisions the shard has never seen (once per shard); returns
   * the scan's end when the full parse refuses what the quick summary read.
   */
  #learnUnknown(ids: readonly number[], text: string): ScanResult | undefined {
    const { knowledge, stats } = this.#ctx;
    if (ids.every((id) => knowledge.globalOfRevision(id) !== undefined)) return undefined;
    let newUpdates: ReturnType<typeof parseWsusResponse<'SyncUpdates'>>['newUpdates'];
    try {
      newUpdates = parseWsusResponse('SyncUpdates', text).newUpdates;
    } catch (err) {
      const r = endedBy(err);
      this.#unusable = r.unusable;
      return r.result;
    }
    for (const info of newUpdates) {
      if (knowledge.globalOfRevision(info.id) === undefined) {
        knowledge.learn(info);
        stats.revisionsLearned++;
      }
    }
  }

  /**
   * Adds a revision the server offered to this client's cache (and to the shard's machine lists). In a
   * software round an installed non-leaf one waits for the round's end (`inRound`, W-PAGE).
   */
  #take(id: number, inRound: boolean): void {
    const { knowledge } = this.#ctx;
    const g = knowledge.globalOfRevision(id);
    this.#learned.add(id);
    if (g === undefined) return;
    const update = knowledge.updates[g]!;
    const where = this.#machine.place(g, update);
    if (where === 'installed' && inRound) this.#rounds.holdPrerequisite(id);
    else if (where === 'installed') this.#installed.push(id);
    else if (where === 'driver') this.#drivers.push(id);
    else this.#other.push(id);
    if (where === 'table') this.#newUpdates++;
    if (update.isLeaf && appliesTo(update, this.#machine.build)) this.#applicable.push(g);
  }

  /** True when the revision is in the cache the client started with (a server ignoring the cache). */
  #inBaseCache(id: number): boolean {
    if (this.#cachedCount === 0) return false;
    const g = this.#ctx.knowledge.globalOfRevision(id);
    const p = g === undefined ? undefined : this.#machine.table.positionOf(g);
    return p !== undefined && p < this.#cachedCount;
  }

  #readExtended(text: string): ScanResult | undefined {
    const { knowledge, stats } = this.#ctx;
    const max = knowledge.maxExtendedUpdatesPerRequest;
    const batch = this.#applicable.slice(this.#extendedAt, this.#extendedAt + max);
    this.#extendedAt += batch.length;
    if (batch.some((g) => !knowledge.extendedRead.has(g))) {
      const r = this.#parse('GetExtendedUpdateInfo', text);
      if (!r.ok) return r.result;
      const urls = urlsByDigest(r.value.fileLocations);
      for (const u of r.value.updates) {
        const g = knowledge.globalOfRevision(u.id);
        if (g === undefined || knowledge.extendedRead.has(g)) continue;
        const update = knowledge.updates[g]!;
        if (u.xml.startsWith('<ExtendedProperties')) applyExtendedFragment(update, u.xml, urls);
        else if (u.xml.startsWith('<LocalizedProperties')) applyLocalizedFragment(update, u.xml);
      }
      for (const g of batch) knowledge.extendedRead.add(g);
      stats.extendedParsed++;
    }
    if (this.#extendedAt >= this.#applicable.length) this.#phase = 'report';
    return undefined;
  }

  #succeeded(): ScanResult {
    const cookie = this.#ctx.cookies.get(this.#slot);
    const expires = cookie ? readWsusTime(cookie.expiration) : undefined;
    return {
      kind: 'scan-result',
      outcome: 'ok',
      catalogVersion: this.#catalogVersion,
      evaluatedCount: this.#machine.table.length,
      ...(expires === undefined ? {} : { cookieExpiresAt: expires }),
      newUpdates: this.#newUpdates,
    };
  }

  /** Sends the next handshake step, or the current phase's call. */
  #next(now: number): ExchangeStep {
    const cookie = this.#ctx.cookies.get(this.#slot);
    // A call after GetConfig needs a cookie; without one (lost, or never issued) get one first.
    if (cookie === undefined && !this.#steps.includes('GetCookie') && this.#phase !== 'done') {
      const at = this.#steps[0] === 'GetConfig' ? 1 : 0;
      this.#steps.splice(at, 0, 'GetAuthorizationCookie', 'GetCookie');
    }
    const step = this.#nextStep();
    if (step === 'GetAuthorizationCookie') {
      const auth = this.#ctx.knowledge.authorization;
      if (auth.kind === 'unusable') {
        return { done: { kind: 'scan-result', outcome: 'failed', failure: 'protocol' } };
      }
      if (auth.kind === 'service') {
        const { origin, path } = authorizationTarget(this.#sup.origin, auth.serviceUrl);
        return { actions: [wsusAction(origin, this.#handshakeRequest(step, now), this, path)] };
      }
    }
    const request = step ? this.#handshakeRequest(step, now) : this.#phaseRequest(now);
    return { actions: [wsusAction(this.#sup.origin, request, this)] };
  }

  /**
   * The next handshake step to send: none for the Anonymous plug-in's authorization (it has no service,
   * W-AUTH), and no RegisterComputer in a cold handshake whose GetConfig said registration is not required.
   */
  #nextStep(): WsusStep | undefined {
    const { knowledge } = this.#ctx;
    for (;;) {
      const step = this.#steps.shift();
      if (step === 'GetAuthorizationCookie' && knowledge.authorization.kind === 'anonymous') continue;
      if (step === 'RegisterComputer' && this.#cold && !knowledge.registrationRequired) continue;
      return step;
    }
  }

  #handshakeRequest(step: WsusStep, now: number): WsusRequest {
    const { knowledge, cookies } = this.#ctx;
    switch (step) {
      case 'GetConfig':
        return { operation: 'GetConfig', protocolVersion: WSUS_PROTOCOL_VERSION };
      case 'GetAuthorizationCookie':
        return {
          operation: 'GetAuthorizationCookie',
          clientId: this.#id.susClientId,
          dnsName: this.#id.dnsName,
        };
      case 'GetCookie': {
        const old = cookies.get(this.#slot);
        const time = formatWsusTime(now, 'wsus');
        return {
          operation: 'GetCookie',
          authCookies: this.#auth ? [this.#auth] : [],
          // Real WUA sends only the old Expiration (protocol-reference Appendix A).
          oldCookie: old ? { expiration: old.expiration } : undefined,
          lastChange: knowledge.lastChange || time,
          currentTime: time,
          protocolVersion: WSUS_PROTOCOL_VERSION,
        };
      }
      case 'RegisterComputer':
        return {
          operation: 'RegisterComputer',
          cookie: this.#cookie(),
          computerInfo: computerInfo(this.#machine.build, this.#id.dnsName),
        };
      case 'RefreshCache':
        return { operation: 'RefreshCache', cookie: this.#cookie(), globalIds: this.#cachedGlobalIds() };
      case 'GetFileLocations':
        return { operation: 'GetFileLocations', cookie: this.#cookie(), fileDigests: this.#cachedDigests() };
    }
  }

  #phaseRequest(now: number): WsusRequest {
    const { knowledge } = this.#ctx;
    const base = this.#machine.cacheFor(this.#cachedCount);
    const installed = concat(base.installed, this.#installed);
    switch (this.#phase) {
      case 'software': {
        // The open round's prerequisites are other cached ids until the round ends (W-PAGE).
        const other = concat(concat(base.other, this.#other), this.#rounds.pending);
        return {
          operation: 'SyncUpdates',
          cookie: this.#cookie(),
          expressQuery: false,
          // Real WUA omits the arrays (rather than sending them empty) while it has nothing to list.
          installedNonLeafUpdateIds: installed.length > 0 ? installed : undefined,
          otherCachedUpdateIds: other.length > 0 ? other : undefined,
          skipSoftwareSync: false,
        };
      }
      case 'drivers': {
        const drivers = concat(this.#machine.driversFor(this.#cachedCount), this.#drivers);
        return {
          operation: 'SyncUpdates',
          cookie: this.#cookie(),
          expressQuery: false,
          installedNonLeafUpdateIds: installed.length > 0 ? installed : undefined,
          systemSpec: SYSTEM_SPEC,
          cachedDriverIds: drivers.length > 0 ? drivers : undefined,
          skipSoftwareSync: true,
        };
      }
      case 'extended': {
        const batch = this.#applicable.slice(
          this.#extendedAt,
          this.#extendedAt + knowledge.maxExtendedUpdatesPerRequest,
        );
        return {
          operation: 'GetExtendedUpdateInfo',
          cookie: this.#cookie(),
          revisionIds: batch.map((g) => knowledge.updates[g]!.revisionId),
          infoTypes: ['Extended', 'LocalizedProperties'],
          locales: ['en-US', 'en'],
        };
      }
      default: {
        const seq = this.#ctx.eventSequence;
        const first = seq[this.#slot]!;
        seq[this.#slot] = first + 2;
        return {
          operation: 'ReportEventBatch',
          cookie: this.#cookie(),
          clientTime: formatWsusTime(now, 'wsus'),
          events: scanReportEvents(
            this.#ctx.platform.uuid,
            this.#id.susClientId,
            this.#machine.build,
            first,
            now,
            this.#applicableCount(),
          ),
        };
      }
    }
  }

  #cookie(): WsusCookie {
    // #next guarantees a GetCookie ran before any call that needs one.
    return this.#ctx.cookies.get(this.#slot)!;
  }

  #applicableCount(): number {
    const table = this.#machine.table;
    let n = 0;
    for (let p = 0; p < table.length; p++) if (table.applicableAt(p)) n++;
    return n;
  }

  #cachedGlobalIds(): { updateId: string; revisionNumber: number }[] {
    const { updates } = this.#ctx.knowledge;
    const table = this.#machine.table;
    const out: { updateId: string; revisionNumber: number }[] = [];
    for (let p = 0; p < Math.min(this.#cachedCount, table.length); p++) {
      const u = updates[table.updateAt(p)]!;
      out.push({ updateId: u.updateId, revisionNumber: u.revisionNumber });
    }
    return out;
  }

  /** Digests of the files of the client's applicable cached updates (what GetFileLocations re-resolves). */
  #cachedDigests(): string[] {
    const { updates } = this.#ctx.knowledge;
    const table = this.#machine.table;
    const out: string[] = [];
    for (let p = 0; p < Math.min(this.#cachedCount, table.length) && out.length < 100; p++) {
      if (!table.applicableAt(p)) continue;
      for (const f of updates[table.updateAt(p)]!.files) out.push(base64Encode(hexDecode(f.sha1Hex)));
    }
    return out;
  }
}

function concat(base: number[], own: readonly number[]): number[] {
  return own.length === 0 ? base : base.concat(own);
}
