// The report's charts, as data the page draws with uPlot: which series, on which axis, in which
// colour. Every chart shares the x axis (the run's virtual clock) and shows the run's events.
// A chart whose figures are all absent or zero is left out and the page says why (a run without an
// observer has no backlog; a run without errors has no error chart).
import type { DownsampledSeries } from './downsample.ts';
import { DEPLOYMENT_STATES, key, type SeenNames } from './interval-sample.ts';

/** How an axis's numbers are written: counts (1.2k), per-second rates, milliseconds, durations. */
export type AxisUnit = 'count' | 'rate' | 'ms' | 'duration';

export interface AxisSpec {
  label: string;
  unit: AxisUnit;
}

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  axis: 'left' | 'right';
  /** Dashed line (e.g. p50 under p95/p99). */
  dash?: number[];
  width?: number;
}

/** A vertical line of the chart's own (a deployment's deadline), drawn besides the run's events. */
export interface ChartMarker {
  t: number;
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the title: what the chart answers. */
  caption: string;
  left: AxisSpec;
  right?: AxisSpec;
  series: ChartSeries[];
  markers?: ChartMarker[];
  /** Charts in a group are laid out side by side (small multiples). */
  group?: string;
}

export interface OmittedChart {
  title: string;
  reason: string;
}

/**
 * Ten distinct, saturated colours (the browser test tells drawn data from axes, grid and event lines,
 * all grey, by saturation). Series beyond ten reuse them dashed, so no two look alike.
 */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#f0027f',
] as const;

/** Colour (and dash, past the palette) of the i-th series of a chart. */
function look(i: number): { color: string; dash?: number[] } {
  const color = PALETTE[i % PALETTE.length]!;
  return i < PALETTE.length ? { color } : { color, dash: [8, 3] };
}

/** Colours with a fixed meaning across charts. */
const GOOD = '#2ca02c';
const BAD = '#d62728';
const NEUTRAL = '#1f77b4';
const WARN = '#ff7f0e';
const PURPLE = '#9467bd';

/** Builds the chart list for what the run produced; charts without data go to `omitted`. */
export function chartsFor(
  seen: SeenNames,
  data: DownsampledSeries,
): { charts: ChartSpec[]; omitted: OmittedChart[] } {
  const charts: ChartSpec[] = [];
  const omitted: OmittedChart[] = [];
  const hasData = (spec: ChartSpec) =>
    spec.series.some((s) => (data.series[s.key] ?? []).some((v) => v !== null && v !== 0));
  const add = (spec: ChartSpec, whyNot: string) => {
    if (spec.series.length === 0 || !hasData(spec)) {
      omitted.push({ title: spec.title, reason: whyNot });
      return;
    }
    // A right axis without a series on it (no skips in the run) would be an empty scale.
    if (spec.right && !spec.series.some((s) => s.axis === 'right')) {
      const { right: _, ...withoutRight } = spec;
      charts.push(withoutRight);
    } else charts.push(spec);
  };

  add(
    {
      id: 'rate',
      title: 'Request rate per operation',
      caption: 'Requests per wall second the targets received, per operation (peaks kept when downsampled).',
      left: { label: 'requests/s', unit: 'rate' },
      series: seen.operations.map((op, i) => ({
        key: key.rate(op),
        label: op,
        ...look(i),
        axis: 'left',
      })),
    },
    'no requests were sent',
  );

  seen.operations.forEach((op, i) => {
    add(
      {
        id: `latency-${i}`,
        group: 'latency',
        title: `Latency: ${op}`,
        caption: 'p50, p95 and p99 per interval, from the intended send time.',
        left: { label: 'ms', unit: 'ms' },
        series: [
          { key: key.latency('p50', op), label: 'p50', color: GOOD, axis: 'left', dash: [6, 4] },
          { key: key.latency('p95', op), label: 'p95', color: WARN, axis: 'left' },
          { key: key.latency('p99', op), label: 'p99', color: BAD, axis: 'left' },
        ],
      },
      `no replies of ${op}`,
    );
  });

  add(
    {
      id: 'errors',
      title: 'Errors by kind',
      caption:
        'Failed requests per wall second, by error kind (timeout, reset, http-5xx, soap:<ErrorCode> …).',
      left: { label: 'errors/s', unit: 'rate' },
      series: seen.errorKinds.map((kind, i) => ({
        key: key.errors(kind),
        label: kind,
        ...look(i + 3),
        axis: 'left',
      })),
    },
    'no request failed',
  );

  add(
    {
      id: 'backlog',
      title: 'State-message backlog (MP)',
      caption: 'Messages accepted by the MP but not yet processed, and the age of the oldest one.',
      left: { label: 'messages waiting', unit: 'count' },
      right: { label: 'oldest age', unit: 'duration' },
      series: [
        { key: key.backlogDepth, label: 'depth', color: NEUTRAL, axis: 'left', width: 2 },
        { key: key.backlogAge, label: 'oldest age', color: WARN, axis: 'right' },
      ],
    },
    seen.hasBacklog ? 'the backlog stayed empty' : 'no backlog samples (the run had no observer API)',
  );

  add(
    {
      id: 'fleet-compliance',
      title: 'Fleet compliance (whole catalog)',
      caption:
        'Clients compliant with every applicable update of the catalog, as the emulated fleet knows it; ' +
        'per-deployment compliance, the figure for a review, is charted per deployment.',
      left: { label: 'clients', unit: 'count' },
      series: [
        { key: key.compliant, label: 'compliant', color: GOOD, axis: 'left', width: 2 },
        { key: key.nonCompliant, label: 'non-compliant', color: BAD, axis: 'left', width: 2 },
        { key: key.unknown, label: 'unknown', color: PURPLE, axis: 'left' },
      ],
    },
    'no fleet gauges (the run used no fleet model)',
  );

  seen.deployments.forEach((d, i) => {
    add(
      {
        id: `deployment-${i}`,
        title: `Deployment ${d.name} (${d.id})`,
        caption: `Clients by enforcement state, as the site reports it (topics 300/301/402); ${d.targeted.toLocaleString('en-US')} targeted.`,
        left: { label: 'clients', unit: 'count' },
        series: DEPLOYMENT_STATES.map((state, j) => ({
          key: key.deployment(d.id, state),
          label: state,
          color: [GOOD, NEUTRAL, WARN, PURPLE, BAD, '#8c564b'][j]!,
          axis: 'left' as const,
          ...(state === 'installed' ? { width: 2 } : {}),
        })),
        ...(d.deadline !== undefined ? { markers: [{ t: d.deadline, label: 'deadline' }] } : {}),
      },
      `deployment ${d.id} had no clients in any state`,
    );
  });

  add(
    {
      id: 'scans',
      title: 'Scans online vs offline',
      caption:
        'Scan wave: scans per wall second that went to the SUP (online) or were answered from the local cache (offline).',
      left: { label: 'scans/s', unit: 'rate' },
      series: [
        { key: key.scansOnline, label: 'online (SUP)', color: NEUTRAL, axis: 'left', width: 2 },
        { key: key.scansOffline, label: 'offline (cache)', color: GOOD, axis: 'left' },
      ],
    },
    seen.hasFleet ? 'no scans in this run' : 'no fleet gauges (the run used no fleet model)',
  );

  add(
    {
      id: 'generator',
      title: 'Generator health',
      caption:
        'How late requests left against their schedule, and actions skipped: high lateness or any skip means ' +
        'the generator could not keep up and offered less load than asked.',
      left: { label: 'lateness', unit: 'ms' },
      right: { label: 'skipped per interval', unit: 'count' },
      series: [
        { key: key.latenessP99, label: 'lateness p99', color: BAD, axis: 'left', width: 2 },
        { key: key.latenessP50, label: 'lateness p50', color: GOOD, axis: 'left', dash: [6, 4] },
        ...seen.skipReasons.map((reason, i) => ({
          key: key.skipped(reason),
          label: `skipped: ${reason}`,
          ...look(i + 4),
          axis: 'right' as const,
        })),
      ],
    },
    'nothing was sent, or every request left on time and nothing was skipped',
  );

  return { charts, omitted };
}
