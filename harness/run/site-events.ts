// Profile events that happen on the site side, played at their virtual times through the observer API:
//   new-catalog    → POST /api/catalog/publish on every SUP node (same seed: the same new revisions)
//   patch-tuesday  → publish, then POST /api/deployments {count, kind, deadlineHours} on every node
//   sup-failure    → PUT /api/faults {sup resetRate 1} on that node, restored after `for`
// SUP node failure is injected, not a killed process: it is reversible (`for: '3h'` brings the node
// back with its catalog, registrations and cookie key, as a rebooted NLB node would), it hits only the
// SUP front-end, and the node's observer keeps answering. Connection resets are what clients of a node
// that drops out of an NLB cluster see for in-flight and new connections.
// rollout and forced-rescan are fleet-side (the fleet behaviour plays them) and are only listed here.
// Every event ends up in the run's notes: done (with when it ran), failed (why), skipped (why).
import { formatDuration, type ProfileEvent } from '../../profiles/index.ts';
import type { VirtualClock } from '../engine/clock.ts';
import type { RunEvent } from '../metrics/outputs/output.ts';
import type { ObserverPublished } from '../../protocol/observer.ts';
import type { ObserverClient } from './observer-client.ts';

const HOUR_MS = 3_600_000;
/** POST /api/catalog/publish takes at most this many updates per call. */
const PUBLISH_CHUNK = 1000;

export interface SiteEventRecord {
  kind: ProfileEvent['kind'];
  /** Virtual offset from the run start, e.g. '1h'. */
  at: string;
  status: 'done' | 'failed' | 'skipped' | 'not reached' | 'fleet-side';
  detail: string;
}

export interface SiteEventTarget {
  /** Observers of the SUP nodes in order (node i = observers[i]); empty = none reachable. */
  observers: readonly ObserverClient[];
  /** Why site-side events cannot be played (target without observer API); undefined = they can. */
  skipReason?: string;
  /** Each event as it happens (played, failed, or a fleet-side event reaching its time), for the outputs. */
  onEvent?(event: RunEvent): void;
}

interface Entry {
  record: SiteEventRecord;
  atMs: number;
  /** The outputs' name for it ('catalog-published', 'sup-down' …). */
  eventKind: RunEvent['kind'];
  run?: () => Promise<string>;
}

export class SiteEventScheduler {
  readonly #entries: Entry[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #clock: VirtualClock | undefined;
  #virtualStart = 0;
  readonly #onEvent: ((event: RunEvent) => void) | undefined;

  constructor(events: readonly ProfileEvent[], target: SiteEventTarget) {
    for (const e of events) this.#entries.push(...entriesFor(e, target));
    this.#onEvent = target.onEvent;
  }

  #emit(entry: Entry, title: string, virtualTime: number): void {
    this.#onEvent?.({
      virtualTime: Math.round(virtualTime),
      kind: entry.eventKind,
      title: `${entry.record.kind}: ${title}`,
    });
  }

  /** Arms a timer per site-side event at its virtual time. */
  start(clock: VirtualClock, virtualStart: number): void {
    this.#clock = clock;
    this.#virtualStart = virtualStart;
    for (const entry of this.#entries) {
      // Fleet-side events are played by the clients: only their moment is marked for the outputs.
      if (!entry.run && entry.record.status !== 'fleet-side') continue;
      const delay = Math.max(0, clock.toWall(virtualStart + entry.atMs) - clock.wallNow());
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (entry.run) this.#play(entry);
        else this.#emit(entry, entry.record.detail, virtualStart + entry.atMs);
      }, delay);
      this.#timers.add(timer);
    }
  }

  #play(entry: Entry): void {
    const startedAt = this.#clock ? this.#clock.now() - this.#virtualStart : entry.atMs;
    const p = entry.run!()
      .then((detail) => {
        entry.record.status = 'done';
        entry.record.detail = `${detail} (at virtual ${formatDuration(Math.round(startedAt / 1000) * 1000)})`;
        this.#emit(entry, detail, this.#virtualStart + startedAt);
      })
      .catch((err: Error) => {
        entry.record.status = 'failed';
        entry.record.detail = err.message;
        this.#emit(entry, `FAILED: ${err.message}`, this.#virtualStart + startedAt);
      })
      .finally(() => this.#running.delete(p));
    this.#running.add(p);
  }

  /** Cancels what has not happened yet, waits for calls in flight, returns every event's record. */
  async stop(): Promise<SiteEventRecord[]> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.allSettled([...this.#running]);
    for (const e of this.#entries) {
      if (e.run && e.record.status === 'skipped' && e.record.detail === '') {
        e.record.status = 'not reached';
        e.record.detail = 'the run ended before this time';
      }
    }
    return this.records();
  }

  records(): SiteEventRecord[] {
    return this.#entries.map((e) => ({ ...e.record }));
  }
}

const EVENT_KINDS: Record<ProfileEvent['kind'], RunEvent['kind']> = {
  rollout: 'rollout',
  'forced-rescan': 'forced-rescan',
  'new-catalog': 'catalog-published',
  'patch-tuesday': 'deployment-created',
  'sup-failure': 'sup-down',
};

function entriesFor(e: ProfileEvent, target: SiteEventTarget): Entry[] {
  const eventKind = EVENT_KINDS[e.kind];
  const record = (status: SiteEventRecord['status'], detail: string, at = e.at): SiteEventRecord => ({
    kind: e.kind,
    at: formatDuration(at),
    status,
    detail,
  });
  if (e.kind === 'rollout') {
    return [
      {
        atMs: e.at,
        eventKind,
        record: record('fleet-side', `clients come up over ${formatDuration(e.over)}`),
      },
    ];
  }
  if (e.kind === 'forced-rescan') {
    return [
      {
        atMs: e.at,
        eventKind,
        record: record(
          'fleet-side',
          `every client runs a forced online scan, spread over ${formatDuration(e.spread)}`,
        ),
      },
    ];
  }
  if (target.skipReason !== undefined || target.observers.length === 0) {
    return [
      {
        atMs: e.at,
        eventKind,
        record: record('skipped', target.skipReason ?? 'the target has no observer API'),
      },
    ];
  }
  const all = target.observers;
  // 'skipped' with an empty detail = armed, not yet played (stop() turns it into 'not reached').
  const pending = () => record('skipped', '');
  switch (e.kind) {
    case 'new-catalog':
      return [{ atMs: e.at, eventKind, record: pending(), run: () => publishEverywhere(all, e.updates) }];
    case 'patch-tuesday':
      return [
        {
          atMs: e.at,
          eventKind,
          record: pending(),
          run: async () => {
            const published = await publishEverywhere(all, e.updates);
            const body = {
              name: 'Patch Tuesday',
              count: e.updates,
              kind: e.required ? 'required' : 'available',
              ...(e.required ? { deadlineHours: e.deadlineAfter / HOUR_MS } : {}),
            };
            await Promise.all(all.map((o) => o.call('POST', '/api/deployments', body)));
            return `${published}; ${body.kind} deployment of the ${e.updates} newest updates${
              e.required ? `, deadline in ${formatDuration(e.deadlineAfter)}` : ''
            }`;
          },
        },
      ];
    case 'sup-failure': {
      const node = all[e.node];
      if (!node) {
        return [
          {
            atMs: e.at,
            eventKind,
            record: record(
              'skipped',
              `SUP node ${e.node} has no observer API here (only ${all.length}): stop that node by hand at ${formatDuration(e.at)}`,
            ),
          },
        ];
      }
      let before: unknown;
      const fail: Entry = {
        atMs: e.at,
        eventKind,
        record: pending(),
        run: async () => {
          before = await node.call('GET', '/api/faults');
          const rules = (before as { rules?: unknown[] }).rules ?? [];
          await node.call('PUT', '/api/faults', {
            ...(before as object),
            rules: [{ frontEnd: 'sup', operation: '*', resetRate: 1 }, ...rules],
          });
          return `SUP node ${e.node} resets every connection${e.for === undefined ? ' until the end' : ` for ${formatDuration(e.for)}`}`;
        },
      };
      if (e.for === undefined) return [fail];
      const restoreAt = e.at + e.for;
      return [
        fail,
        {
          atMs: restoreAt,
          eventKind: 'sup-restored',
          record: { ...pending(), at: formatDuration(restoreAt) },
          run: async () => {
            await node.call('PUT', '/api/faults', before ?? { rules: [] });
            return `SUP node ${e.node} answers again`;
          },
        },
      ];
    }
  }
}

async function publishEverywhere(observers: readonly ObserverClient[], count: number): Promise<string> {
  let version = 0;
  for (let left = count; left > 0; left -= PUBLISH_CHUNK) {
    const n = Math.min(PUBLISH_CHUNK, left);
    const answers = await Promise.all(
      observers.map((o) => o.call<ObserverPublished>('POST', '/api/catalog/publish', { count: n })),
    );
    version = answers[0]!.version;
  }
  return `published ${count} updates (catalog version ${version}${observers.length > 1 ? ` on ${observers.length} SUP nodes` : ''})`;
}
