// What the reference site's observer says about state-message processing (GET /api/backlog) and
// compliance (GET /api/compliance), read defensively: a missing field is an error naming it.
import type { ComplianceCounts, ObserverBacklog, ObserverCompliance } from '../../protocol/observer.ts';
import type { ObserverClient } from '../observer-client.ts';
import { advanceSiteClock } from './site-clock.ts';

/** The backlog figures the checks read (GET /api/backlog answers protocol/observer.ts ObserverBacklog). */
export type Backlog = Pick<ObserverBacklog, (typeof BACKLOG_FIELDS)[number]>;

export type UpdateCompliance = ComplianceCounts;

const BACKLOG_FIELDS = [
  'depth',
  'capacityPerMinute',
  'accepted',
  'processed',
  'duplicates',
  'gaps',
  'missingMessages',
] as const;

export async function readBacklog(observer: ObserverClient): Promise<Backlog> {
  const raw = await observer.get<Partial<Record<keyof ObserverBacklog, unknown>>>('/api/backlog');
  const out: Record<string, number> = {};
  for (const f of BACKLOG_FIELDS) {
    const v = raw?.[f];
    if (typeof v !== 'number') throw new Error(`the observer GET /api/backlog has no numeric ${f}`);
    out[f] = v;
  }
  return out as unknown as Backlog;
}

/** The update ids the site keeps compliance for (its catalog's software updates and any reported id). */
export async function complianceUpdateIds(observer: ObserverClient): Promise<string[]> {
  const raw = await observer.get<Partial<ObserverCompliance>>('/api/compliance');
  if (!raw?.perUpdate || typeof raw.perUpdate !== 'object') {
    throw new Error('the observer GET /api/compliance has no perUpdate map');
  }
  return Object.keys(raw.perUpdate);
}

/** Compliance counts of the given update ids (zeros for ids the site has never heard of). */
export async function readCompliance(
  observer: ObserverClient,
  updateIds: readonly string[],
): Promise<Map<string, UpdateCompliance>> {
  const raw = await observer.get<Partial<ObserverCompliance>>('/api/compliance');
  if (!raw?.perUpdate || typeof raw.perUpdate !== 'object') {
    throw new Error('the observer GET /api/compliance has no perUpdate map');
  }
  const byLower = new Map(Object.entries(raw.perUpdate).map(([k, v]) => [k.toLowerCase(), v]));
  const zero = { required: 0, notRequired: 0, installed: 0, unknown: 0 };
  return new Map(updateIds.map((id) => [id, byLower.get(id.toLowerCase()) ?? zero]));
}

/** Advances site time minute by minute until the inbox is empty (bounded); returns the final backlog. */
export async function drainBacklog(observer: ObserverClient, maxMinutes: number): Promise<Backlog> {
  let b = await readBacklog(observer);
  const step = Math.max(1, Math.ceil(b.depth / Math.max(1, b.capacityPerMinute)));
  for (let spent = 0; b.depth > 0 && spent < maxMinutes; spent += step) {
    await advanceSiteClock(observer, step * 60_000);
    b = await readBacklog(observer);
  }
  return b;
}
