// Aligns reference-site clocks with the run's virtual clock. The embedded sites start with a frozen
// (manual) clock; the run's virtual time starts at the site time read before the run, and when the
// shards start, each site is switched to real time at the run's speed. The few ms the switch takes
// would leave a site behind by ms × speed, so it is advanced by whatever it lags.
import type { VirtualClock } from '../engine/clock.ts';
import type { ObserverClient } from './observer-client.ts';

/** The latest site time of the frozen sites: the run's virtual start (no site ever goes backwards). */
export async function frozenSiteTime(observers: readonly ObserverClient[]): Promise<number> {
  const times = await Promise.all(observers.map((o) => o.siteTime()));
  return Math.max(...times);
}

/** Starts every site clock at the run's speed, level with `clock`; returns each site's remaining offset, ms. */
export async function startSiteClocks(
  observers: readonly ObserverClient[],
  clock: VirtualClock,
): Promise<number[]> {
  return Promise.all(
    observers.map(async (o) => {
      await o.call('PUT', '/api/clock', { mode: 'real', speed: clock.speed });
      const lag = clock.now() - (await o.siteTime());
      if (lag > 0) await o.call('POST', '/api/clock/advance', { ms: Math.round(lag) });
      return Math.round((await o.siteTime()) - clock.now());
    }),
  );
}
