// Run metadata and interval stats shaped like a real run's, for feeding outputs directly.
import type { IntervalStats } from '../../harness/metrics/aggregator.ts';
import type { RunMeta } from '../../harness/metrics/outputs/output.ts';

/** An hour ago, on a whole minute (VictoriaMetrics drops samples older than its retention, a month). */
export const VIRTUAL_START = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;

export function meta(runId: string): RunMeta {
  return {
    runId,
    profile: 'patch-tuesday',
    seed: 1,
    fleetSize: 300,
    workers: 1,
    speed: 200,
    virtualStart: VIRTUAL_START,
    durationMs: 3_600_000,
    wallStart: Date.now(),
    target: 'embedded',
    thresholds: [],
    intervalMs: 1000,
  };
}

/** The i-th interval: 200 virtual seconds apart (×200), two operations, one with errors. */
export function stats(i: number): IntervalStats {
  const op = (name: string, requests: number, errorsByKind: Record<string, number>) => ({
    name,
    requests,
    perSecond: requests,
    errors: Object.values(errorsByKind).reduce((a, b) => a + b, 0),
    errorsByKind,
    retries: 1,
    bytesIn: requests * 1000,
    bytesOut: requests * 500,
    p50Ms: 2,
    p90Ms: 4,
    p95Ms: 5,
    p99Ms: 9,
    maxMs: 12,
  });
  return {
    wallTime: Date.now(),
    virtualTime: VIRTUAL_START + (i + 1) * 200_000,
    elapsedMs: 1000,
    requests: 30,
    perSecond: 30,
    errors: 2,
    bytesIn: 30_000,
    bytesOut: 15_000,
    p95Ms: 5,
    latenessP50Ms: 0.5,
    latenessP99Ms: 3,
    sent: 30,
    skipped: 0,
    skippedByReason: {},
    operations: [op('wsus.SyncUpdates', 20, { refused: 2 }), op('mp.statemsg', 10, {})],
    inFlight: 3,
    activeClients: 300,
    scheduledClients: 300,
    gauges: {
      'fleet.compliant': 10 + i,
      'fleet.nonCompliant': 290 - i,
      'fleet.activity.idle': 250,
      'adapter.cookies': 7,
    },
    backlog: { depth: 40 - i, oldestAgeMs: 60_000, processedPerMinute: 120 },
    deployments: [
      {
        id: 'D1',
        name: 'Patch Tuesday',
        deadline: VIRTUAL_START + 3_600_000,
        targeted: 300,
        required: 300 - i,
        downloaded: i,
        installed: i,
        failed: 0,
        pendingRestart: 0,
        unknown: 0,
      },
    ],
  };
}
