import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../harness/engine/clock.ts';
import { ObserverClient } from '../../harness/run/observer-client.ts';
import { SiteEventScheduler } from '../../harness/run/site-events.ts';
import { defineProfile } from '../../profiles/index.ts';
import { type RunningSite, startSite } from '../../site/server.ts';

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ANY_PORTS = { supHttpPort: 0, supHttpsPort: 0, mpHttpPort: 0, mpHttpsPort: 0, observerPort: 0 };

describe('profile events played on the reference site through the observer API', () => {
  let site: RunningSite;
  let observer: ObserverClient;
  beforeAll(async () => {
    site = await startSite({
      ...ANY_PORTS,
      clock: { mode: 'manual' },
      catalog: { seed: 3, leafUpdates: 30 },
    });
    observer = new ObserverClient(site.urls.observer);
  });
  afterAll(async () => {
    await observer.close();
    await site.stop();
  });

  it('publishes, deploys and fails then restores the SUP node at their virtual times; later events are not reached', async () => {
    const profile = defineProfile({
      name: 'events',
      fleet: { clients: 10 },
      site: { supNodes: 1 },
      events: [
        { kind: 'new-catalog', at: '1m', updates: 5 },
        { kind: 'patch-tuesday', at: '2m', updates: 3, deadlineAfter: '24h' },
        { kind: 'sup-failure', at: '3m', node: 0, for: '1m' },
        { kind: 'forced-rescan', at: '5m', spread: '1m' },
        { kind: 'new-catalog', at: '10h' },
      ],
      speed: 600,
      duration: '12h',
    });
    const versionBefore = site.model.catalog.version;
    const scheduler = new SiteEventScheduler(profile.events, { observers: [observer] });
    const virtualStart = Date.now();
    // 600x: one virtual minute is 100 wall ms.
    scheduler.start(ScaledClock.startingNow(600, virtualStart), virtualStart);

    // Polled, not timed: a busy test machine may play an event late, never in another order.
    await until(() => site.faults.config.rules.length > 0);
    expect(site.faults.config.rules).toEqual([expect.objectContaining({ frontEnd: 'sup', resetRate: 1 })]);
    expect(site.model.deployments.list()).toHaveLength(1);
    await until(() => site.faults.config.rules.length === 0);
    await until(() => scheduler.records()[3]!.status === 'done');
    const records = await scheduler.stop();

    expect(site.model.catalog.version).toBe(versionBefore + 2);
    const deployments = site.model.deployments.list();
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({ kind: 'required', name: 'Patch Tuesday' });
    expect(deployments[0]!.updateIds).toHaveLength(3);
    expect(site.faults.config.rules).toEqual([]);
    expect(records.map((r) => [r.kind, r.at, r.status])).toEqual([
      ['new-catalog', '1m', 'done'],
      ['patch-tuesday', '2m', 'done'],
      ['sup-failure', '3m', 'done'],
      ['sup-failure', '4m', 'done'],
      ['forced-rescan', '5m', 'fleet-side'],
      ['new-catalog', '10h', 'not reached'],
    ]);
    expect(records[1]!.detail).toContain('deadline in 1d');
  });

  it('skips site-side events with the reason when the target has no observer', async () => {
    const profile = defineProfile({
      name: 'no-observer',
      fleet: { clients: 10 },
      events: [{ kind: 'new-catalog', at: 0 }],
      speed: 60,
      duration: '1h',
    });
    const scheduler = new SiteEventScheduler(profile.events, {
      observers: [],
      skipReason: 'the target has no observer API',
    });
    scheduler.start(ScaledClock.startingNow(60), Date.now());
    const records = await scheduler.stop();
    expect(records).toEqual([
      { kind: 'new-catalog', at: '0ms', status: 'skipped', detail: 'the target has no observer API' },
    ]);
  });
});
