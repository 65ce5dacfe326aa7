// Deployment compliance in the summary: the aggregator keeps the last sample at or before each deadline,
// summary.json carries `deployments`, and the table prints one line per deployment plus a legend.
import { describe, expect, it } from 'vitest';
import { type DeploymentCompliance, MetricsAggregator } from '../../harness/metrics/aggregator.ts';
import { formatDeploymentLine } from '../../harness/metrics/deployment-lines.ts';
import { deploymentsFrom } from '../../harness/metrics/deployment-probe.ts';
import { buildSummary, type RunInfo } from '../../harness/metrics/summary.ts';
import { formatSummary } from '../../harness/metrics/summary-table.ts';

const HOUR = 3_600_000;
const V0 = Date.UTC(2025, 0, 14, 18, 0, 0);
const DEADLINE = V0 + HOUR;

function figure(installed: number, over: Partial<DeploymentCompliance> = {}): DeploymentCompliance {
  const targeted = 10_000;
  return {
    id: '{5A000001-0000-4000-8000-000000000000}',
    name: 'Patch Tuesday',
    deadline: DEADLINE,
    targeted,
    required: 0,
    downloaded: 0,
    installed,
    failed: 120,
    pendingRestart: 300,
    unknown: targeted - installed - 120 - 300,
    ...over,
  };
}

const info: RunInfo = {
  seed: 1,
  fleetSize: 10_000,
  workers: 1,
  speed: 90,
  startedAt: 0,
  endedAt: 100_000,
  virtualStart: V0,
  virtualEnd: V0 + 2.5 * HOUR,
  end: 'completed',
};

describe('aggregator: the deadline sample', () => {
  it('keeps the last sample taken at or before the deadline and marks the deadline passed', () => {
    const agg = new MetricsAggregator(0, V0);
    agg.setDeployments([figure(1_000)], V0 + 0.5 * HOUR);
    agg.setDeployments([figure(8_000)], DEADLINE); // at the deadline: still counts
    expect(agg.totals.deployments?.[0]).toMatchObject({ installed: 8_000, deadlinePassed: false });
    agg.setDeployments([figure(8_500)], DEADLINE + 1);
    agg.setDeployments([figure(9_040)], V0 + 2 * HOUR);
    const [d] = agg.totals.deployments!;
    expect(d).toMatchObject({ installed: 9_040, deadlinePassed: true });
    expect(d!.atDeadline).toMatchObject({ installed: 8_000, sampledAt: DEADLINE });
    // Live outputs see the latest sample as it is.
    expect(agg.takeInterval(1000, V0 + 2 * HOUR).deployments).toEqual([figure(9_040)]);
  });

  it('without an explicit time the sample is dated by the virtual time the workers reported', () => {
    const agg = new MetricsAggregator(0, V0 + 2 * HOUR);
    agg.setDeployments([figure(9_000)]);
    expect(agg.totals.deployments?.[0]).toMatchObject({ deadlinePassed: true });
    expect(agg.totals.deployments?.[0]).not.toHaveProperty('atDeadline');
  });

  it('a deployment without a deadline has neither deadline field', () => {
    const agg = new MetricsAggregator(0, V0);
    const { deadline: _d, ...available } = figure(5);
    agg.setDeployments([available], V0);
    expect(agg.totals.deployments).toEqual([available]);
  });
});

describe('summary.json deployments and the table lines', () => {
  it('carries the final figures with the deadline sample and prints one line per deployment', () => {
    const agg = new MetricsAggregator(0, V0);
    agg.setDeployments([figure(8_000)], DEADLINE - 1_000);
    agg.setDeployments([figure(9_040)], V0 + 2 * HOUR);
    const s = buildSummary(info, agg);
    expect(JSON.parse(JSON.stringify(s)).deployments).toEqual([
      {
        ...figure(9_040),
        deadlinePassed: true,
        atDeadline: { ...figure(8_000), sampledAt: DEADLINE - 1_000 },
      },
    ]);
    const lines = formatSummary(s).split('\n');
    const at = lines.findIndex((l) => l.startsWith('deployment '));
    expect(lines[at]).toBe(
      "deployment 'Patch Tuesday' {5A000001-0000-4000-8000-000000000000}: 9,040 of 10,000 installed (90.4%), " +
        '120 failed, 300 pending restart, 540 unknown (0 required, 0 downloaded) — at the deadline (+01:00:00): ' +
        '8,000 of 10,000 installed (80.0%)',
    );
    expect(lines[at + 1]).toMatch(/installed = compliant: every deployed update installed or not required/);
  });

  it('says so when the run ended before the deadline, and prints nothing without figures', () => {
    const line = formatDeploymentLine({ ...figure(10), deadlinePassed: false }, V0);
    expect(line).toMatch(/— deadline \(\+01:00:00\) not reached by the end of the run$/);
    const none = buildSummary(info, new MetricsAggregator(0, V0));
    expect(none).not.toHaveProperty('deployments');
    expect(formatSummary(none)).not.toMatch(/^deployment /m);
  });
});

describe('deploymentsFrom (the probe parser)', () => {
  it('accepts the observer shape and refuses anything else', () => {
    expect(deploymentsFrom([figure(3)])).toEqual([figure(3)]);
    expect(deploymentsFrom([])).toEqual([]);
    expect(deploymentsFrom({ deployments: [] })).toBeUndefined();
    expect(deploymentsFrom([{ ...figure(3), installed: -1 }])).toBeUndefined();
    expect(deploymentsFrom([{ ...figure(3), unknown: '5' }])).toBeUndefined();
    expect(deploymentsFrom([{ ...figure(3), id: 7 }])).toBeUndefined();
  });
});
