// D-DP: a content download that fails is retried after downloadRetryMs, and nothing is installed until
// the content has arrived, even when the deadline has long passed.
import { describe, expect, it } from 'vitest';
import { DAY, FakeEngine, MIN } from './fake-engine.ts';
import { fleetOf } from './fixtures.ts';

const ALL_UPDATES = Array.from({ length: 30 }, (_, i) => 1000 + i);
/** Not the default (30 min): the retry must follow the configured timer. */
const RETRY_MS = 45 * MIN;

/** One warm client with a required deployment whose deadline is already past; downloads fail `failures` times. */
function failingDownloads(failures: number) {
  const fleet = fleetOf(1, { start: 'warm', timers: { deadlineRandomMs: 0, downloadRetryMs: RETRY_MS } });
  let attempts = 0;
  const engine = new FakeEngine(fleet, {
    policy: () => ({
      kind: 'policy-result',
      ok: true,
      softwareUpdatesEnabled: true,
      catalogVersion: 1,
      deploymentCount: 1,
    }),
    download: () => ++attempts > failures,
  });
  fleet.catalog.addDeployment({ kind: 'required', startTime: 0, deadline: MIN, updates: ALL_UPDATES });
  return { fleet, engine };
}

describe('D-DP download failure', () => {
  it('retries after downloadRetryMs and installs only once the content has arrived', () => {
    const { fleet, engine } = failingDownloads(2);
    expect(fleet.config.timers.downloadRetryMs).toBe(RETRY_MS);
    engine.runUntil(DAY);
    const downloads = engine.actions('download', 0);
    expect(downloads).toHaveLength(3);
    // Each retry comes downloadRetryMs after the failure was reported (the engine answers after latencyMs).
    for (let i = 1; i < downloads.length; i++) {
      expect(downloads[i]!.at - downloads[i - 1]!.at).toBe(engine.latencyMs + RETRY_MS);
    }
    expect(fleet.counters.downloadsFailed).toBe(2);
    const arrived = downloads[2]!.at + engine.latencyMs;
    const installs = engine.actions('install', 0);
    expect(installs).toHaveLength(1);
    expect(installs[0]!.at).toBeGreaterThanOrEqual(arrived);
    // The deadline passed long ago: the content was the only thing the install waited for.
    expect(installs[0]!.at - arrived).toBeLessThanOrEqual(engine.latencyMs);
    expect(fleet.client(0).requiredCount).toBe(0);
  });

  it('never installs while every download fails, and keeps retrying at the same pace', () => {
    const { fleet, engine } = failingDownloads(Number.POSITIVE_INFINITY);
    engine.runUntil(DAY);
    const downloads = engine.actions('download', 0);
    expect(downloads.length).toBeGreaterThan(20);
    const gaps = new Set(downloads.slice(1).map((d, i) => d.at - downloads[i]!.at));
    expect(gaps).toEqual(new Set([engine.latencyMs + RETRY_MS]));
    expect(engine.actions('install', 0)).toHaveLength(0);
    expect(fleet.client(0).requiredCount).toBeGreaterThan(0);
    expect(fleet.gauges(engine.now).byActivity.downloading).toBe(1);
  });
});
