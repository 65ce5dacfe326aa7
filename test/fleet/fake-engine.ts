// A tiny driven-clock engine for fleet tests: a min-heap of (time, client, event), scripted replies to
// network actions after a fixed latency, and a log of every action with its virtual time.

import type { Fleet } from '../../harness/fleet/fleet.ts';
import type { FleetAction, FleetEvent, ScanAction, ScanResult } from '../../harness/fleet/vocabulary.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface LoggedAction {
  at: number;
  client: number;
  action: FleetAction;
}

export interface Replies {
  register: (client: number, now: number) => boolean;
  policy: (client: number, now: number) => FleetEvent;
  location: (client: number, now: number) => FleetEvent;
  scan: (client: number, action: ScanAction, now: number) => ScanResult;
  post: (client: number, now: number) => boolean;
  download: (client: number, now: number) => boolean;
}

interface Entry {
  at: number;
  seq: number;
  client: number;
  event: FleetEvent;
}

export class FakeEngine {
  readonly log: LoggedAction[] = [];
  readonly replies: Replies;
  now = 0;
  #heap: Entry[] = [];
  #seq = 0;
  /** Latest wake time handed out per client: older wake entries are stale and skipped. */
  readonly #wakeAt = new Map<number, number>();

  constructor(
    readonly fleet: Fleet,
    replies: Partial<Replies> = {},
    readonly latencyMs = 1_000,
  ) {
    this.replies = {
      register: () => true,
      policy: () => ({
        kind: 'policy-result',
        ok: true,
        softwareUpdatesEnabled: true,
        catalogVersion: 1,
        deploymentCount: fleet.catalog.deployments.length,
      }),
      location: () => ({ kind: 'wsus-location-result', ok: true, supCount: 1 }),
      scan: (client) => ({
        kind: 'scan-result',
        outcome: 'ok',
        catalogVersion: 1,
        evaluatedCount: fleet.catalog.table(fleet.client(client).machine).length,
      }),
      post: () => true,
      download: () => true,
      ...replies,
    };
    for (let i = fleet.from; i < fleet.to; i++) this.#scheduleWake(i, fleet.wakeAt(i));
  }

  /** Delivers an event to a client at a time (operator commands, hand-made results). */
  inject(client: number, event: FleetEvent, at: number): void {
    this.#push({ at, seq: this.#seq++, client, event });
  }

  runUntil(until: number): void {
    for (;;) {
      const top = this.#heap[0];
      if (!top || top.at > until) break;
      this.#pop();
      if (top.event.kind === 'wake' && this.#wakeAt.get(top.client) !== top.at) continue;
      this.now = top.at;
      const result = this.fleet.step(top.client, top.event, top.at);
      for (const action of result.actions) {
        this.log.push({ at: top.at, client: top.client, action });
        this.#perform(top.client, action, top.at);
      }
      this.#scheduleWake(top.client, result.wakeAt);
    }
    this.now = until;
  }

  actions(kind: FleetAction['kind'], client?: number): LoggedAction[] {
    return this.log.filter((l) => l.action.kind === kind && (client === undefined || l.client === client));
  }

  scans(client?: number): Array<LoggedAction & { action: ScanAction }> {
    return this.actions('scan', client) as Array<LoggedAction & { action: ScanAction }>;
  }

  #perform(client: number, action: FleetAction, now: number): void {
    const at = now + this.latencyMs;
    const r = this.replies;
    switch (action.kind) {
      case 'register':
        this.inject(client, { kind: 'register-result', ok: r.register(client, now) }, at);
        return;
      case 'policy-poll':
        this.inject(client, r.policy(client, now), at);
        return;
      case 'wsus-location':
        this.inject(client, r.location(client, now), at);
        return;
      case 'scan':
        if (action.online) this.inject(client, r.scan(client, action, now), at);
        return;
      case 'post-state-messages':
        this.inject(client, { kind: 'post-result', ok: r.post(client, now) }, at);
        return;
      case 'download':
        this.inject(client, { kind: 'download-result', ok: r.download(client, now) }, at);
        return;
      default:
        return; // install, restart: local
    }
  }

  #scheduleWake(client: number, at: number): void {
    if (!Number.isFinite(at)) {
      this.#wakeAt.delete(client);
      return;
    }
    if (at < this.now) throw new Error(`client ${client} asked to wake in the past (${at} < ${this.now})`);
    this.#wakeAt.set(client, at);
    this.#push({ at, seq: this.#seq++, client, event: { kind: 'wake' } });
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
