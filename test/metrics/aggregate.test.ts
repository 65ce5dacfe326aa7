import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../harness/metrics/aggregator.ts';
import { backlogFrom } from '../../harness/metrics/backlog-probe.ts';
import { EXIT_ABORTED, EXIT_INTERRUPTED, EXIT_THRESHOLD_BREACHED } from '../../harness/metrics/exit-codes.ts';
import { MetricsRecorder } from '../../harness/metrics/recorder.ts';
import { buildSummary, type RunInfo } from '../../harness/metrics/summary.ts';
import { formatSummary } from '../../harness/metrics/summary-table.ts';

const gauges = (active: number) => ({
  inFlight: 1,
  scheduledClients: active,
  activeClients: active,
  gauges: { scanning: active },
});

const info: RunInfo = {
  seed: 7,
  fleetSize: 20,
  workers: 2,
  speed: 60,
  startedAt: 0,
  endedAt: 10_000,
  virtualStart: 0,
  virtualEnd: 600_000,
  end: 'completed',
};

/** Two workers' worth of recordings: 1..100 ms on shard 0, 101..200 ms on shard 1. */
function twoShards() {
  const agg = new MetricsAggregator(0, 0);
  const a = new MetricsRecorder(0);
  const b = new MetricsRecorder(1);
  for (let i = 1; i <= 100; i++) {
    a.recordSend(1);
    a.recordReply('wsus.SyncUpdates', i, 1000, 300);
    b.recordSend(i < 100 ? 2 : 400);
    b.recordReply('wsus.SyncUpdates', 100 + i, 1000, 300, i <= 10 ? 'soap:ServerBusy' : undefined);
  }
  b.recordFailure('mp.statemsg', 'reset', 200);
  b.recordRetry('mp.statemsg');
  agg.add(a.takeDelta(1000, 60_000, gauges(10)));
  agg.add(b.takeDelta(1000, 60_000, gauges(10)));
  return { agg, a, b };
}

describe('merging worker deltas', () => {
  it('merges histograms and counters across shards into the interval and the totals', () => {
    const { agg } = twoShards();
    const s = agg.takeInterval(1000, 60_000);
    const sync = s.operations.find((o) => o.name === 'wsus.SyncUpdates')!;
    expect(sync.requests).toBe(200);
    expect(sync.p50Ms).toBeCloseTo(100, 0);
    expect(sync.p95Ms).toBeCloseTo(190, 0);
    expect(s.errors).toBe(11);
    expect(s.activeClients).toBe(20);
    expect(s.gauges).toEqual({ scanning: 20 });
    expect(s.operations.map((o) => o.name)).toEqual(['mp.statemsg', 'wsus.SyncUpdates']);
    // The next interval starts empty; the totals keep everything.
    expect(agg.takeInterval(2000, 120_000).requests).toBe(0);
    expect(agg.totals.operations.get('wsus.SyncUpdates')!.latency.totalCount).toBe(200);
  });

  it('spots lost deltas by sequence number', () => {
    const agg = new MetricsAggregator(0, 0);
    const r = new MetricsRecorder(3);
    agg.add(r.takeDelta(0, 0, gauges(1)));
    r.takeDelta(0, 0, gauges(1)); // never delivered
    agg.add(r.takeDelta(0, 0, gauges(1)));
    expect(agg.totals.lostDeltas).toBe(1);
  });
});

describe('summary', () => {
  it('reports per-operation figures, errors by kind and a kept-up generator', () => {
    const { agg } = twoShards();
    const s = buildSummary(info, agg, { latenessP99Ms: 500 });
    expect(s.totals.requests).toBe(201);
    expect(s.errorsByKind).toEqual({ 'soap:ServerBusy': 10, reset: 1 });
    expect(s.totals.retries).toBe(1);
    expect(s.operations.find((o) => o.name === 'mp.statemsg')!.errorRate).toBe(1);
    expect(s.generator.keptUp).toBe(true);
    expect(s.exitCode).toBe(0);
  });

  it('says in plain words when the generator fell behind or skipped requests', () => {
    const { agg, b } = twoShards();
    b.recordSkip('in-flight-limit');
    agg.add(b.takeDelta(2000, 0, gauges(10)));
    const s = buildSummary(info, agg, {});
    expect(s.generator.keptUp).toBe(false);
    expect(s.generator.verdict).toMatch(/could NOT keep up/);
    expect(s.generator.verdict).toMatch(/1 requests were not sent because the in-flight limit/);
    const late = new MetricsAggregator(0, 0);
    const r = new MetricsRecorder(0);
    for (let i = 0; i < 100; i++) r.recordSend(80);
    late.add(r.takeDelta(0, 0, gauges(1)));
    expect(buildSummary(info, late).generator.verdict).toMatch(
      /within 80\.\d ms of their scheduled time, over the 50\.0 ms bound/,
    );
  });

  it('names breached thresholds, and exits 1 / 3 / 130 by how the run ended', () => {
    const { agg } = twoShards();
    agg.addBacklog({ depth: 5000, oldestAgeMs: 3_600_000 });
    const s = buildSummary(info, agg, {
      p95Ms: { 'wsus.SyncUpdates': 150, '*': 1000, 'dp.get': 10 },
      errorRate: 0.01,
      maxBacklogAgeMs: 1_800_000,
    });
    const byName = Object.fromEntries(s.thresholds.map((t) => [t.name, t]));
    expect(byName['p95Ms[wsus.SyncUpdates]']).toMatchObject({ breached: true, limit: 150 });
    expect(byName['p95Ms[dp.get]']).toMatchObject({ breached: false, actual: null });
    expect(byName['p95Ms[mp.statemsg]']).toBeUndefined(); // no latency (only a failure)
    expect(byName.errorRate!.breached).toBe(true);
    expect(byName.maxBacklogAgeMs).toMatchObject({ breached: true, actual: 3_600_000 });
    expect(s.exitCode).toBe(EXIT_THRESHOLD_BREACHED);
    const text = formatSummary(s);
    expect(text).toMatch(/BREACHED {2}p95 latency of wsus\.SyncUpdates ≤ 150 ms/);
    expect(text).toMatch(/exit code 1: completed, threshold breached/);
    expect(buildSummary({ ...info, end: 'aborted' }, agg).exitCode).toBe(EXIT_ABORTED);
    expect(buildSummary({ ...info, end: 'interrupted' }, agg).exitCode).toBe(EXIT_INTERRUPTED);
  });
});

describe('backlog probe', () => {
  it('reads the backlog at the top level or nested, and ignores garbage', () => {
    expect(backlogFrom({ depth: 3, oldestAgeMs: 10 })).toEqual({ depth: 3, oldestAgeMs: 10 });
    expect(backlogFrom({ backlog: { depth: 3, oldestAgeMs: 10, processedPerMinute: 60 } })).toEqual({
      depth: 3,
      oldestAgeMs: 10,
      processedPerMinute: 60,
    });
    expect(backlogFrom({ nothing: true })).toBeUndefined();
    expect(backlogFrom('x')).toBeUndefined();
  });
});
