// The engine Behaviour of one shard: the fleet model's clients (global indices striped over shards),
// each engine event fed to the fleet, each fleet action performed as a protocol exchange, each finished
// exchange fed back as the fleet's result event. Idle clients hold their fleet record, a cookie in the
// shard's CookieJar and 16 bytes of SMSID; exchange cursors exist only while requests are in flight.
import {
  defineFleetConfig,
  Fleet,
  Flag,
  type FleetAction,
  type FleetConfig,
  type FleetEvent,
  type ScanAction,
} from '../fleet/index.ts';
import { mix32 } from '../fleet/rng.ts';
import type { Behaviour, ClientEvent, Decision, ShardContext } from './behaviour.ts';
import type { ClientRequest as HttpAction } from './request.ts';
import { CookieJar } from './cookie-jar.ts';
import { DownloadExchange } from './download-exchange.ts';
import {
  type AdapterContext,
  type AdapterStats,
  emptyStats,
  type Exchange,
  type ExchangeStep,
} from './exchange.ts';
import { LocationExchange, RegisterExchange, StatePostExchange } from './mp-exchanges.ts';
import type { ClientPlatform, RegistrationSigner } from './platform.ts';
import { type FleetBehaviourOptions, validateBehaviourOptions } from './behaviour-options.ts';
import { PolicyExchange } from './policy-exchange.ts';
import { PolicyState } from './policy-state.ts';
import { ScanExchange } from './scan-exchange.ts';
import { ShardKnowledge } from './shard-knowledge.ts';
import { SmsIdTable } from './sms-ids.ts';

/** Fleet results fed back within one engine event (an exchange can end without a request). */
const MAX_CHAINED_RESULTS = 16;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** How often (virtual ms) expired cookies are cut down to their Expiration (CookieJar.expire). */
const COOKIE_SWEEP_MS = 10 * 60_000;

export class FleetBehaviour implements Behaviour {
  readonly fleet: Fleet;
  readonly knowledge: ShardKnowledge;
  readonly stats: AdapterStats = emptyStats();
  readonly #ctx: AdapterContext;
  readonly #shard: ShardContext;
  /** Exchanges with a request in flight. */
  readonly #active = new Set<Exchange>();
  /** Scans that ended in a fault: the fleet's repeat resumes them (W-COOKIE). */
  readonly #suspended = new Map<number, ScanExchange>();
  /** Forced-scan events, and per slot how many of them the client has received. */
  readonly #forced: { at: number; spreadMs: number }[];
  readonly #forcedSeen: Uint8Array;
  /** Per slot: requests an exchange asked to send later (Retry-After), with their virtual send time. */
  readonly #later = new Map<number, { at: number; actions: HttpAction[] }[]>();
  /** Local actions the fleet announced (offline scans, installs, restarts), for gauges. */
  readonly #local = { offlineScans: 0, installs: 0, restarts: 0 };
  #lastNow = 0;
  #nextCookieSweep = Number.NEGATIVE_INFINITY;

  constructor(
    shard: ShardContext,
    options: FleetBehaviourOptions,
    signer: RegistrationSigner,
    platform: ClientPlatform,
  ) {
    validateBehaviourOptions(options);
    this.#shard = shard;
    const config = fleetConfig(shard, options);
    this.knowledge = new ShardKnowledge(options.knowledge, config);
    if (config.start === 'warm') requireWarmKnowledge(config, options);
    this.fleet = new Fleet({
      config,
      catalog: this.knowledge.catalog,
      from: shard.shard,
      to: shard.fleetSize,
      stride: shard.shards,
    });
    if (this.fleet.size !== shard.clients) {
      throw new Error(
        `shard ${shard.shard} holds ${shard.clients} clients, the fleet slice ${this.fleet.size}`,
      );
    }
    const mp = platform.splitUrl(options.targets.mp);
    this.#ctx = {
      fleet: this.fleet,
      knowledge: this.knowledge,
      policy: new PolicyState(options.knowledge.updateSourceId),
      cookies: new CookieJar(shard.clients),
      smsIds: new SmsIdTable(shard.clients),
      mp: {
        origin: mp.origin,
        host: hostOf(mp.origin),
        siteCode: options.targets.siteCode,
        compress: options.compressMpMessages ?? true,
      },
      sups: options.targets.sups.map((s) => ({ origin: platform.splitUrl(s).origin })),
      signer,
      platform,
      verifyContent: options.verifyContent ?? false,
      chunkBytes: options.downloadChunkBytes ?? DEFAULT_CHUNK_BYTES,
      slotOf: (client) => (client - shard.shard) / shard.shards,
      eventSequence: new Uint32Array(shard.clients),
      stats: this.stats,
    };
    this.#forced = (options.events?.forcedScans ?? [])
      .map((e) => ({ at: e.at, spreadMs: e.spreadMs ?? 0 }))
      .sort((a, b) => a.at - b.at);
    this.#forcedSeen = new Uint8Array(this.#forced.length > 0 ? shard.clients : 0);
  }

  get activeExchanges(): number {
    return this.#active.size;
  }

  /** The shard's per-client protocol state (tests and memory figures read it). */
  get protocolState(): { cookies: CookieJar; smsIds: SmsIdTable } {
    return { cookies: this.#ctx.cookies, smsIds: this.#ctx.smsIds };
  }

  /** Bytes of protocol state held for idle clients (cookies, SMSIDs, counters), for the memory figure. */
  get protocolStateBytes(): number {
    return (
      this.#ctx.cookies.bytes +
      this.#ctx.smsIds.bytes +
      this.#ctx.eventSequence.byteLength +
      this.#forcedSeen.byteLength
    );
  }

  step(local: number, event: ClientEvent, now: number): Decision {
    this.#lastNow = now;
    if (now >= this.#nextCookieSweep) this.#sweepCookies(now);
    const client = this.#shard.globalIndex(local);
    const out: HttpAction[] = [];
    if (event.kind === 'start' || event.kind === 'wake') {
      this.#sendDue(local, now, out);
      this.#deliverForcedScans(local, client, now, out);
      const wakeAt = this.#feed(client, { kind: 'wake' }, now, out);
      return { actions: out, wakeAt: this.#engineWake(local, client, wakeAt) };
    }
    const exchange = event.action.tag as Exchange;
    const step =
      event.kind === 'reply'
        ? exchange.reply(event.action, event.reply, now)
        : exchange.failure(event.action, event.error, now);
    if (step.sendAt !== undefined && step.actions) {
      // Held back until sendAt: the exchange stays active, the client wakes then to send it.
      this.#active.add(exchange);
      const list = this.#later.get(local) ?? [];
      list.push({ at: step.sendAt, actions: step.actions });
      this.#later.set(local, list);
      const decision: Decision = { wakeAt: this.#engineWake(local, client, this.fleet.wakeAt(client)) };
      if (step.unusable !== undefined) decision.unusableReply = step.unusable;
      return decision;
    }
    const wakeAt = this.#advance(exchange, step, now, out);
    const decision: Decision =
      wakeAt === undefined
        ? { actions: out }
        : { actions: out, wakeAt: this.#engineWake(local, client, wakeAt) };
    if (step.unusable !== undefined) decision.unusableReply = step.unusable;
    return decision;
  }

  gauges(): Record<string, number> {
    const g = this.fleet.gauges(this.#lastNow);
    const c = this.fleet.counters;
    const out: Record<string, number> = {
      'fleet.compliant': g.compliant,
      'fleet.nonCompliant': g.nonCompliant,
      'fleet.unknown': g.unknown,
      'fleet.requiredUpdates': g.requiredUpdates,
      'fleet.queuedStateMessages': g.queuedStateMessages,
      'fleet.withinTtl': g.withinTtl,
      'fleet.scansOnline': c.scansOnline,
      'fleet.scansOffline': c.scansOffline,
      'fleet.scansForced': c.scansForced,
      'fleet.scansUnforced': c.scansUnforced,
      'fleet.coldScans': c.coldScans,
      'fleet.scanRepeats': c.scanRepeats,
      'fleet.supSwitches': c.supSwitches,
      'fleet.stateMessagesPosted': c.stateMessagesPosted,
      'fleet.stateMessagesLost': c.stateMessagesLost,
      'fleet.downloads': c.downloads,
      'fleet.downloadsFailed': c.downloadsFailed,
      'fleet.installs': c.installs,
      'fleet.updatesInstalled': c.updatesInstalled,
      'adapter.activeExchanges': this.#active.size,
      'adapter.cookies': this.#ctx.cookies.size,
    };
    for (const [name, n] of Object.entries(g.byActivity)) out[`fleet.activity.${name}`] = n;
    for (const [name, n] of Object.entries(this.stats)) out[`adapter.${name}`] = n;
    return out;
  }

  /** Applies an exchange step; returns the fleet's next wake-up when the exchange ended. */
  #advance(exchange: Exchange, step: ExchangeStep, now: number, out: HttpAction[]): number | undefined {
    if (step.actions) {
      out.push(...step.actions);
      this.#active.add(exchange);
      return undefined;
    }
    this.#active.delete(exchange);
    const done = step.done!;
    if (exchange instanceof ScanExchange && done.kind === 'scan-result' && done.outcome === 'fault') {
      this.#suspended.set(exchange.client, exchange);
    }
    return this.#feed(exchange.client, done, now, out);
  }

  /** Feeds one event to the fleet and performs what it asks; returns its next wake-up. */
  #feed(client: number, event: FleetEvent, now: number, out: HttpAction[], depth = 0): number {
    if (depth > MAX_CHAINED_RESULTS) {
      throw new Error(`client ${client}: more than ${MAX_CHAINED_RESULTS} exchanges ended without a request`);
    }
    const result = this.fleet.step(client, event, now);
    let wakeAt = result.wakeAt;
    for (const action of result.actions) {
      const exchange = this.#exchangeFor(client, action);
      if (!exchange) continue;
      const step = exchange.start(now);
      if (step.actions) {
        out.push(...step.actions);
        this.#active.add(exchange);
      } else {
        // Ended at once (nothing to send): its result goes straight back.
        wakeAt = this.#feed(client, step.done!, now, out, depth + 1);
      }
    }
    return wakeAt;
  }

  #exchangeFor(client: number, action: FleetAction): Exchange | undefined {
    const ctx = this.#ctx;
    switch (action.kind) {
      case 'register':
        return new RegisterExchange(ctx, client);
      case 'policy-poll':
        return new PolicyExchange(ctx, client);
      case 'wsus-location':
        return new LocationExchange(ctx, client);
      case 'scan':
        return action.online ? this.#scan(client, action) : void this.#local.offlineScans++;
      case 'post-state-messages':
        return new StatePostExchange(ctx, client, action.batch);
      case 'download':
        return new DownloadExchange(ctx, client, action.updates);
      case 'install':
        this.#local.installs++;
        return undefined;
      case 'restart':
        this.#local.restarts++;
        return undefined;
    }
  }

  #scan(client: number, action: ScanAction): Exchange {
    const suspended = this.#suspended.get(client);
    this.#suspended.delete(client);
    if (suspended && action.repeat) {
      suspended.resume(action);
      return suspended;
    }
    return new ScanExchange(this.#ctx, client, action);
  }

  #deliverForcedScans(local: number, client: number, now: number, out: HttpAction[]): void {
    for (let k = this.#forcedSeen[local] ?? 0; k < this.#forced.length; k++) {
      if (this.#forcedAt(k, client) > now) break;
      this.#forcedSeen[local] = k + 1;
      this.#feed(client, { kind: 'force-scan' }, now, out);
    }
  }

  #forcedAt(k: number, client: number): number {
    const e = this.#forced[k]!;
    if (e.spreadMs === 0) return e.at;
    // Each client's own moment within the spread, from the run seed: same seed, same schedule.
    return e.at + (mix32(mix32(this.#shard.seed ^ 0x7f4a7c15) ^ client) / 4294967296) * e.spreadMs;
  }

  /** Cuts the cookies that expired (in the fleet's eyes) of clients with no scan going down to their Expiration. */
  #sweepCookies(now: number): void {
    this.#nextCookieSweep = now + COOKIE_SWEEP_MS;
    const { cookies } = this.#ctx;
    if (cookies.size === 0) return;
    for (let local = 0; local < this.#shard.clients; local++) {
      const client = this.#shard.globalIndex(local);
      const c = this.fleet.client(client);
      if (c.cookieExpiresAt <= now && !c.has(Flag.ScanInFlight) && !this.#suspended.has(client))
        cookies.expire(local);
    }
  }

  /** Moves the client's held-back requests that are due into `out`. */
  #sendDue(local: number, now: number, out: HttpAction[]): void {
    const list = this.#later.get(local);
    if (!list) return;
    const keep = list.filter((l) => l.at > now);
    for (const l of list) if (l.at <= now) out.push(...l.actions);
    if (keep.length === 0) this.#later.delete(local);
    else this.#later.set(local, keep);
  }

  /** The engine wake-up: the fleet's, the client's next forced scan or held-back request if sooner. */
  #engineWake(local: number, client: number, fleetWake: number): number | null {
    let at = fleetWake;
    for (const l of this.#later.get(local) ?? []) at = Math.min(at, l.at);
    const k = this.#forcedSeen[local] ?? 0;
    if (k < this.#forced.length) at = Math.min(at, this.#forcedAt(k, client));
    return Number.isFinite(at) ? at : null;
  }
}

/** The host of an origin as WHATWG URL's `hostname` gives it (an IPv6 address keeps its brackets). */
function hostOf(origin: string): string {
  return origin.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/:\d+$/, '');
}

function fleetConfig(shard: ShardContext, options: FleetBehaviourOptions): FleetConfig {
  return defineFleetConfig({
    ...options.fleet,
    seed: options.fleet.seed ?? shard.seed,
    startAt: options.fleet.startAt ?? shard.virtualStart,
  });
}

function requireWarmKnowledge(config: FleetConfig, options: FleetBehaviourOptions): void {
  for (const [i, m] of config.machines.entries()) {
    if (!options.knowledge.machines.some((k) => k.build === m.build)) {
      throw new Error(
        `fleet.machines[${i}] (${m.name}, build ${m.build}) starts warm but the catalog knowledge has no build ${m.build}; ` +
          `discover with builds [${config.machines.map((x) => x.build).join(', ')}]`,
      );
    }
  }
}
