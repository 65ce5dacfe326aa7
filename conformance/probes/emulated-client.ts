// One emulated ConfigMgr client whose behaviour comes from harness/fleet (the same state machine the
// load generator runs: S-TTL, S-UNFORCED, S-FORCED, S-FORCED-OFFLINE, T-FIRSTSCAN...), driven on the
// reference site's own clock: before each step the site clock is advanced to the step's time, so a
// 24 h TTL or a 60 min cookie passes in milliseconds. Network actions go to the real site: policy and
// WSUS location to the MP, online scans to the SUP (full [MS-WUSP] exchange). Conformance checks then
// compare what the client decided with what the site's observer counted.
//
// Not sent: state-message posts and DP downloads are answered "ok" locally. Other checks cover them;
// here they would only add traffic unrelated to the scan decisions being observed.
import { Fleet } from '../../harness/fleet/fleet.ts';
import { defineFleetConfig } from '../../harness/fleet/config.ts';
import type { FleetAction, FleetEvent, ScanAction, ScanResult } from '../../harness/fleet/vocabulary.ts';
import type { UpdateSourcePolicy } from '../../protocol/mp/index.ts';
import { parseWsusTime } from '../../protocol/wsus/index.ts';
import { type CheckOutcome, fail } from '../check.ts';
import { type CheckContext, observerOf, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import { type MpProbe, registerMachine, updateSourcePolicy, wsusLocation } from './mp-probe.ts';
import { advanceSiteClock, siteNow } from './site-clock.ts';
import { WsusProbe } from './wsus-probe.ts';

/** What the site did that makes the client's scans meaningless (checks turn it into a failure). */
export class SiteMisbehaviour extends Error {
  override readonly name = 'SiteMisbehaviour';
}

export interface ScanRecord {
  at: number;
  action: ScanAction;
  /** Online scans: NewUpdates delivered and bytes received over all SyncUpdates pages. */
  newUpdates?: number;
  bytesIn?: number;
}

interface Entry {
  at: number;
  seq: number;
  event: FleetEvent;
}

/** Site latency the client's replies are stamped with (virtual time between request and result). */
const REPLY_MS = 1_000;
const HOUR = 3_600_000;

export class EmulatedClient {
  readonly scans: ScanRecord[] = [];
  readonly #ctx: CheckContext;
  readonly #fleet: Fleet;
  #queue: Entry[] = [];
  #seq = 0;
  #wakeAt = Number.POSITIVE_INFINITY;
  #siteTime: number;
  #mp: MpProbe | undefined;
  #policy: UpdateSourcePolicy | undefined;
  #wsus: WsusProbe | undefined;
  #supUrl: URL | undefined;

  private constructor(ctx: CheckContext, startAt: number) {
    this.#ctx = ctx;
    this.#siteTime = startAt;
    const config = defineFleetConfig({
      seed: 1,
      startAt,
      // Nothing installed yet, so a deployment makes the client download, install and restart.
      machines: [{ name: 'probe', build: 22631, weight: 1, installedFraction: 0 }],
      timers: { deadlineRandomMs: 0 },
    });
    this.#fleet = new Fleet({ config, from: 0, to: 1 });
    this.#schedule(this.#fleet.wakeAt(0));
  }

  static async start(ctx: CheckContext): Promise<EmulatedClient> {
    return new EmulatedClient(ctx, await siteNow(observerOf(ctx)));
  }

  get now(): number {
    return this.#siteTime;
  }

  /** Runs every step due up to `until` (site time), moving the site clock along. */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      const next = this.#queue[0];
      if (!next || next.at > until) break;
      this.#queue.shift();
      if (next.event.kind === 'wake' && next.at !== this.#wakeAt) continue;
      await this.#moveClockTo(next.at);
      const result = this.#fleet.step(0, next.event, next.at);
      for (const action of result.actions) await this.#perform(action, next.at);
      this.#schedule(result.wakeAt);
    }
    await this.#moveClockTo(until);
  }

  /** Operator "Software Updates Scan Cycle": a forced scan (S-FORCED). */
  forceScan(at: number): void {
    this.#push(at, { kind: 'force-scan' });
  }

  /** A new deployment arriving by policy at `at`: the client rescans at once, non-forced (D-POLICY,
   *  S-UNFORCED). Runs the client up to just before `at` first, so earlier polls do not see it. */
  async deliverDeployment(at: number, kind: 'available' | 'required', deadline?: number): Promise<void> {
    await this.runUntil(at - 1);
    const table = this.#fleet.catalog.table(0);
    if (table.length === 0) throw new Error('no scanned update to deploy yet');
    this.#fleet.catalog.addDeployment({
      kind,
      startTime: at,
      deadline,
      updates: [table.updateAt(table.length - 1)],
    });
    this.#push(at, this.#policyResult(this.#policy?.contentVersion ?? 1));
  }

  onlineScans(): ScanRecord[] {
    return this.scans.filter((s) => s.action.online);
  }

  async #perform(action: FleetAction, now: number): Promise<void> {
    const reply = (event: FleetEvent) => this.#push(now + REPLY_MS, event);
    switch (action.kind) {
      case 'register':
        this.#mp = await registerMachine(this.#ctx.http, required(this.#ctx, 'mp'), () => this.#siteTime);
        reply({ kind: 'register-result', ok: true });
        return;
      case 'policy-poll':
        this.#policy = await updateSourcePolicy(this.#requireMp());
        reply(this.#policyResult(this.#policy.contentVersion));
        return;
      case 'wsus-location': {
        const location = await wsusLocation(this.#requireMp(), this.#policy!);
        const http = location.records.map((r) => r.wsusUrl).find((u) => u.startsWith('http:'));
        this.#supUrl = http ? new URL(http) : undefined;
        reply({ kind: 'wsus-location-result', ok: true, supCount: location.records.length });
        return;
      }
      case 'scan':
        if (!action.online) {
          this.scans.push({ at: now, action });
          return;
        }
        reply(await this.#scanOnline(action, now));
        return;
      case 'post-state-messages':
        reply({ kind: 'post-result', ok: true });
        return;
      case 'download':
        reply({ kind: 'download-result', ok: true });
        return;
      default:
        return; // install, restart: local to the machine
    }
  }

  async #scanOnline(action: ScanAction, now: number): Promise<ScanResult> {
    const record: ScanRecord = { at: now, action };
    this.scans.push(record);
    const base = this.#supUrl ?? required(this.#ctx, 'sup');
    try {
      if (!this.#wsus || action.cold) {
        this.#wsus = new WsusProbe(this.#ctx.http, base, { now: () => this.#siteTime });
        await this.#wsus.handshake();
      } else if (action.cookieRefresh) {
        await this.#wsus.authorize();
        await this.#wsus.getCookie();
      }
      const scan = await this.#wsus.scan();
      record.newUpdates = scan.delivered.length;
      record.bytesIn = scan.pages.reduce((n, p) => n + p.bytesIn, 0);
      if (scan.boundHit || WsusProbe.repeats(scan.delivered).length > 0) {
        throw new SiteMisbehaviour(
          `the SUP kept resending revisions the client lists as cached (${scan.pages.length} SyncUpdates pages): ` +
            'every scan becomes a full resync',
        );
      }
      const table = this.#fleet.catalog.table(action.machine);
      // Every update is applicable and needs a restart, so an install always shows both offline scans.
      for (const u of scan.delivered) if (u.isLeaf) table.add(u.id, true, true);
      return {
        kind: 'scan-result',
        outcome: 'ok',
        catalogVersion: this.#policy?.contentVersion ?? 1,
        evaluatedCount: table.length,
        cookieExpiresAt: parseWsusTime(this.#wsus.cookie!.expiration),
        newUpdates: scan.delivered.length,
      };
    } catch (err) {
      if (err instanceof SiteMisbehaviour) throw err;
      throw new SiteMisbehaviour(`an online scan against ${base.origin} failed: ${describeError(err)}`);
    }
  }

  #policyResult(catalogVersion: number): FleetEvent {
    return {
      kind: 'policy-result',
      ok: true,
      softwareUpdatesEnabled: true,
      catalogVersion,
      deploymentCount: this.#fleet.catalog.deployments.length,
    };
  }

  #requireMp(): MpProbe {
    if (!this.#mp) throw new Error('the emulated client acts before it registered');
    return this.#mp;
  }

  async #moveClockTo(at: number): Promise<void> {
    if (at <= this.#siteTime) return;
    await advanceSiteClock(observerOf(this.#ctx), at - this.#siteTime);
    this.#siteTime = at;
  }

  #schedule(at: number): void {
    this.#wakeAt = at;
    if (Number.isFinite(at)) this.#push(at, { kind: 'wake' });
  }

  #push(at: number, event: FleetEvent): void {
    this.#queue.push({ at, seq: this.#seq++, event });
    this.#queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}

/**
 * Non-forced scans that went online in [from, to): inside a TTL there should be none (S-UNFORCED) unless
 * the catalog really changed. Described as one clause for a failure message, e.g.
 * "3 non-forced scans went online (reasons: catalog ×3 — the policy announced a newer catalog version)".
 */
export function unforcedOnlineScans(
  client: EmulatedClient,
  from: number,
  to: number,
): { scans: ScanRecord[]; described: string } {
  const scans = client.scans.filter((s) => s.action.online && !s.action.forced && s.at >= from && s.at < to);
  const byReason = new Map<string, number>();
  for (const s of scans) byReason.set(s.action.reason, (byReason.get(s.action.reason) ?? 0) + 1);
  const reasons = [...byReason].map(([r, n]) => `${r} ×${n}`).join(', ');
  const catalog = byReason.has('catalog') ? ' — the policy announced a newer catalog version' : '';
  return {
    scans,
    described: `${scans.length} non-forced scans went online (reasons: ${reasons || 'none'}${catalog})`,
  };
}

/** Requests the SUP front-end has answered so far, from the observer's counters. */
export async function supRequests(ctx: CheckContext): Promise<number> {
  const stats = await observerOf(ctx).get<{ frontEnds?: Record<string, { total?: { requests?: number } }> }>(
    '/api/stats',
  );
  const n = stats?.frontEnds?.sup?.total?.requests ?? 0;
  if (typeof n !== 'number')
    throw new Error('the observer GET /api/stats has no numeric frontEnds.sup.total.requests');
  return n;
}

/**
 * The frame of a check that follows one emulated client from its first online scan: starts the client,
 * lets it make that scan (T-FIRSTSCAN: within 3 h of enabling software updates) and hands both to `body`.
 * A SiteMisbehaviour met on the way ends the check as a failure.
 */
export async function fromFirstOnlineScan(
  ctx: CheckContext,
  body: (client: EmulatedClient, first: ScanRecord) => Promise<CheckOutcome>,
): Promise<CheckOutcome> {
  const client = await EmulatedClient.start(ctx);
  try {
    await client.runUntil(client.now + 3 * HOUR);
    const first = client.onlineScans()[0];
    if (!first)
      return fail(
        'the emulated client made no online scan within 3 h of enabling software updates (T-FIRSTSCAN)',
      );
    return await body(client, first);
  } catch (err) {
    if (err instanceof SiteMisbehaviour) return fail(err.message);
    throw err;
  }
}
