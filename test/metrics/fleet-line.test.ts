// The summary's fleet lines: fleet gauges from two shards merged by the aggregator, carried into
// summary.json (fleet.gauges) and printed as the table's "fleet:" lines.
import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../harness/metrics/aggregator.ts';
import { MetricsRecorder } from '../../harness/metrics/recorder.ts';
import { buildSummary, type RunInfo } from '../../harness/metrics/summary.ts';
import { formatSummary } from '../../harness/metrics/summary-table.ts';

const info: RunInfo = {
  seed: 1,
  fleetSize: 1300,
  workers: 2,
  speed: 60,
  startedAt: 0,
  endedAt: 10_000,
  virtualStart: 0,
  virtualEnd: 600_000,
  end: 'completed',
};

/** One shard's fleet gauges, as FleetBehaviour.gauges() names them. */
function shardGauges(scale: number): Record<string, number> {
  return {
    'fleet.activity.idle': 500 * scale,
    'fleet.activity.scanning': 40 * scale,
    'fleet.activity.downloading': 7 * scale,
    'fleet.activity.inactive': 0,
    'fleet.compliant': 300 * scale,
    'fleet.nonCompliant': 200 * scale,
    'fleet.unknown': 47 * scale,
    'fleet.queuedStateMessages': 11 * scale,
    'fleet.scansOnline': 600 * scale,
    'fleet.scansOffline': 1500 * scale,
    'fleet.scansForced': 30 * scale,
    'fleet.scansUnforced': 2070 * scale,
  };
}

function summaryWith(gauges: (shard: number) => Record<string, number>) {
  const agg = new MetricsAggregator(0, 0);
  for (const shard of [0, 1]) {
    const r = new MetricsRecorder(shard);
    r.recordSend(1);
    r.recordReply('wsus.SyncUpdates', 10, 1000, 300);
    agg.add(
      r.takeDelta(1000, 60_000, {
        inFlight: 0,
        scheduledClients: 1,
        activeClients: 1,
        gauges: gauges(shard),
      }),
    );
  }
  return buildSummary(info, agg);
}

describe('fleet lines of the summary', () => {
  it('carries forced/unforced scans into summary.json and prints activity, scans, compliance and queue', () => {
    const s = summaryWith((shard) => shardGauges(shard + 1)); // shard 0 ×1, shard 1 ×2
    expect(s.fleet.gauges).toMatchObject({ 'fleet.scansForced': 90, 'fleet.scansUnforced': 6210 });
    const lines = formatSummary(s).split('\n');
    const at = lines.findIndex((l) => l.startsWith('fleet: '));
    expect(at).toBeGreaterThan(0);
    expect(lines[at]).toBe(
      'fleet: 1641 clients at the end: idle 1500, scanning 120, downloading 21; ' +
        'whole catalog: compliant 900, non-compliant 600, unknown 141; 33 state messages queued',
    );
    expect(lines[at + 1]).toBe('  scans in the run: 1800 online / 4500 offline, 90 forced / 6210 unforced');
    expect(lines[at + 2]).toMatch(/compliant = no update of the whole catalog Required.*deployed or not/);
  });

  it('prints no fleet line for a behaviour without fleet gauges', () => {
    const s = summaryWith(() => ({ scanning: 3 }));
    expect(formatSummary(s)).not.toMatch(/^fleet:/m);
  });
});
