// Issue 11 §1: unusable replies are errors by kind in the summary and thresholds, and the summary says in
// plain words when a large share of the fleet is stuck.
import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../harness/metrics/aggregator.ts';
import { fleetStuckVerdict } from '../../harness/metrics/fleet-line.ts';
import { MetricsRecorder } from '../../harness/metrics/recorder.ts';
import { buildSummary, type RunInfo } from '../../harness/metrics/summary.ts';
import { formatSummary } from '../../harness/metrics/summary-table.ts';
import { applyThresholdFlag } from '../../harness/run/threshold-flag.ts';

const info: RunInfo = {
  seed: 1,
  fleetSize: 300,
  workers: 1,
  speed: 60,
  startedAt: 0,
  endedAt: 10_000,
  virtualStart: 0,
  virtualEnd: 600_000,
  end: 'completed',
};

function summaryWith(gauges: Record<string, number>) {
  const r = new MetricsRecorder(0);
  for (let i = 0; i < 97; i++) r.recordReply('wsus.SyncUpdates', 5, 100, 100);
  r.recordReply('wsus.SyncUpdates', 5, 100, 100, 'malformed-xml');
  r.recordReply('wsus.SyncUpdates', 5, 100, 100, 'refused-xml');
  r.recordFailure('wsus.SyncUpdates', 'truncated', 100);
  const a = new MetricsAggregator(0, 0);
  a.add(r.takeDelta(1, 1, { inFlight: 0, scheduledClients: 300, activeClients: 300, gauges }));
  let t = applyThresholdFlag({}, 'errorRate:malformed-xml<0.005');
  t = applyThresholdFlag(t, 'errorRate:truncated<0.02');
  t = applyThresholdFlag(t, 'errorRate<0.05');
  return buildSummary(info, a, t);
}

describe('error kinds in the summary', () => {
  it('counts unusable replies per operation and in total; a threshold on one kind is judged on its own', () => {
    const s = summaryWith({});
    expect(s.operations[0]).toMatchObject({
      requests: 100,
      errors: 3,
      errorsByKind: { 'malformed-xml': 1, 'refused-xml': 1, truncated: 1 },
    });
    expect(s.totals.errorRate).toBeCloseTo(0.03);
    const byName = Object.fromEntries(s.thresholds.map((r) => [r.name, r]));
    expect(byName['errorRate[malformed-xml]']).toMatchObject({ actual: 0.01, breached: true });
    expect(byName['errorRate[truncated]']).toMatchObject({ actual: 0.01, breached: false });
    expect(byName.errorRate).toMatchObject({ breached: false });
    expect(s.exitCode).toBe(1);
    expect(formatSummary(s)).toContain('malformed-xml 1');
  });

  it('refuses a threshold on an error kind that does not exist, naming it and the valid ones', () => {
    expect(() => applyThresholdFlag({}, 'errorRate:garbage<0.1')).toThrow(
      /unknown error kind 'garbage'.*malformed-xml/,
    );
    expect(applyThresholdFlag({}, 'errorRate:soap:ServerBusy<0.1')).toEqual({
      errorRateByKind: { 'soap:ServerBusy': 0.1 },
    });
  });

  it('says in plain words when a large share of the fleet waits to retry a failed scan', () => {
    const gauges = {
      'fleet.activity.scan-retry-wait': 268,
      'fleet.activity.idle': 32,
      'fleet.activity.inactive': 5,
      'adapter.retryAfterHonoured': 7,
    };
    expect(fleetStuckVerdict(gauges)).toBe('268 of 300 clients are waiting to retry a failed scan.');
    const s = summaryWith(gauges);
    expect(s.fleet.stuck).toBe('268 of 300 clients are waiting to retry a failed scan.');
    const text = formatSummary(s);
    expect(text).toContain('STUCK: 268 of 300 clients are waiting to retry a failed scan.');
    expect(text).toContain("7 state-message posts waited as the MP's 503 Retry-After asked");
    expect(
      fleetStuckVerdict({ 'fleet.activity.scan-retry-wait': 2, 'fleet.activity.idle': 298 }),
    ).toBeUndefined();
  });
});
