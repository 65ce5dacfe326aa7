// Reads the site's state-message backlog from the reference site's observer API (`GET /api/backlog`)
// when the target has one. Tolerant of shape: the figures may sit at the top level or under
// `backlog`/`inbox`. Any failure just means "no sample this time".
import { request } from 'undici';
import { type ObserverBacklog, observerHeaders } from '../../protocol/observer.ts';
import type { BacklogSample } from './aggregator.ts';

/** `token`: the observer's --observer-token, when it was started with one. */
export async function fetchBacklog(
  observerUrl: string,
  { timeoutMs = 2000, token }: { timeoutMs?: number; token?: string } = {},
): Promise<BacklogSample | undefined> {
  try {
    const res = await request(new URL('/api/backlog', observerUrl), {
      headers: observerHeaders('GET', token),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return undefined;
    }
    return backlogFrom(await res.body.json());
  } catch {
    return undefined;
  }
}

export function backlogFrom(json: unknown): BacklogSample | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  // ObserverBacklog at the top level (the reference site), or under `backlog`/`inbox` (other observers).
  const inner = (o.backlog ?? o.inbox ?? o) as Partial<Record<keyof ObserverBacklog, unknown>>;
  const depth = Number(inner.depth);
  const oldestAgeMs = Number(inner.oldestAgeMs ?? 0);
  if (!Number.isFinite(depth) || !Number.isFinite(oldestAgeMs)) return undefined;
  const ppm = Number(inner.processedPerMinute);
  return { depth, oldestAgeMs, ...(Number.isFinite(ppm) ? { processedPerMinute: ppm } : {}) };
}
