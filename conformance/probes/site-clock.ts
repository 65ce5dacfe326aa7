// The reference site's clock as the observer reports it (site time, epoch ms).
import type { ObserverClock } from '../../protocol/observer.ts';
import type { ObserverClient } from '../observer-client.ts';

export async function siteNow(observer: ObserverClient): Promise<number> {
  const state = await observer.get<Partial<ObserverClock>>('/api/clock');
  if (typeof state?.nowMs !== 'number')
    throw new Error('the observer GET /api/clock answered no numeric nowMs');
  return state.nowMs;
}

export async function advanceSiteClock(observer: ObserverClient, ms: number): Promise<void> {
  await observer.post('/api/clock/advance', { ms });
}
