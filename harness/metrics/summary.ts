// The end-of-run summary: one plain object, written as summary.json and printed as a table.
// Builds the figures from the aggregator's totals, judges whether the generator kept up, and
// evaluates the thresholds.
import type { MetricsAggregator } from './aggregator.ts';
import type { DeploymentOutcome } from './deployment-samples.ts';
import { EXIT_ABORTED, EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLD_BREACHED } from './exit-codes.ts';
import { fleetStuckVerdict } from './fleet-line.ts';
import { type Histogram, percentileMs } from './histogram.ts';
import type { OutputReport } from './outputs/output.ts';
import { operationOrder } from './schema.ts';
import { evaluateThresholds, type ThresholdResult, type Thresholds } from './thresholds.ts';

export const SUMMARY_SCHEMA = 'patchstorm.summary/1';

/** Lateness p99 above this (ms) means the generator did not keep to the schedule, threshold or not. */
export const DEFAULT_LATENESS_BOUND_MS = 50;

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface OperationSummary {
  name: string;
  requests: number;
  perSecond: number;
  errors: number;
  errorRate: number;
  errorsByKind: Record<string, number>;
  retries: number;
  bytesIn: number;
  bytesOut: number;
  latency: LatencySummary;
}

export type RunEnd = 'completed' | 'interrupted' | 'aborted';

export interface RunInfo {
  profile?: string;
  seed: number;
  fleetSize: number;
  workers: number;
  speed: number;
  startedAt: number;
  endedAt: number;
  virtualStart: number;
  virtualEnd: number;
  end: RunEnd;
  /** Why the run was aborted or interrupted. */
  endReason?: string;
}

export interface RunSummary extends Omit<RunInfo, 'startedAt' | 'endedAt' | 'virtualStart' | 'virtualEnd'> {
  schema: typeof SUMMARY_SCHEMA;
  startedAt: string;
  endedAt: string;
  wallDurationMs: number;
  virtualStart: string;
  virtualEnd: string;
  virtualDurationMs: number;
  totals: {
    requests: number;
    perSecond: number;
    errors: number;
    errorRate: number;
    retries: number;
    bytesIn: number;
    bytesOut: number;
  };
  errorsByKind: Record<string, number>;
  operations: OperationSummary[];
  generator: {
    sent: number;
    skipped: Record<string, number>;
    lateness: LatencySummary;
    lostMetricDeltas: number;
    keptUp: boolean;
    /** Plain-words verdict, e.g. why the generator fell behind. */
    verdict: string;
  };
  backlog?: { samples: number; maxDepth: number; maxOldestAgeMs: number; lastDepth: number };
  fleet: {
    activeClients: number;
    scheduledClients: number;
    gauges: Record<string, number>;
    /** Plain words when a large share of the fleet ends stuck (fleet-line.ts fleetStuckVerdict). */
    stuck?: string;
  };
  /** Per deployment, the site's final 300/301 figure and its sample at the deadline (observer runs). */
  deployments?: DeploymentOutcome[];
  thresholds: ThresholdResult[];
  exitCode: number;
  /** What each output did (files written, points sent or dropped, failures); added at the end. */
  outputs?: OutputReport[];
}

export function latencySummary(h: Histogram): LatencySummary {
  return {
    count: h.totalCount,
    meanMs: h.totalCount === 0 ? 0 : h.mean / 1000,
    p50Ms: percentileMs(h, 50),
    p90Ms: percentileMs(h, 90),
    p95Ms: percentileMs(h, 95),
    p99Ms: percentileMs(h, 99),
    maxMs: h.totalCount === 0 ? 0 : h.maxValue / 1000,
  };
}

export function buildSummary(
  info: RunInfo,
  aggregator: MetricsAggregator,
  thresholds: Thresholds = {},
): RunSummary {
  const t = aggregator.totals;
  const wallDurationMs = Math.max(1, info.endedAt - info.startedAt);
  const perSecond = (n: number) => (n * 1000) / wallDurationMs;
  const errorsByKind: Record<string, number> = {};
  const operations: OperationSummary[] = [];
  for (const [name, acc] of [...t.operations].sort((a, b) => operationOrder(a[0], b[0]))) {
    if (acc.requests === 0) continue;
    let errors = 0;
    for (const [kind, n] of acc.errors) {
      errors += n;
      errorsByKind[kind] = (errorsByKind[kind] ?? 0) + n;
    }
    operations.push({
      name,
      requests: acc.requests,
      perSecond: perSecond(acc.requests),
      errors,
      errorRate: errors / acc.requests,
      errorsByKind: Object.fromEntries(acc.errors),
      retries: acc.retries,
      bytesIn: acc.bytesIn,
      bytesOut: acc.bytesOut,
      latency: latencySummary(acc.latency),
    });
  }
  const requests = operations.reduce((s, o) => s + o.requests, 0);
  const errors = operations.reduce((s, o) => s + o.errors, 0);
  const skipped = Object.fromEntries(t.skipped);
  const lateness = latencySummary(t.lateness);
  const latenessBound = thresholds.latenessP99Ms ?? DEFAULT_LATENESS_BOUND_MS;
  const generator = generatorVerdict(lateness, skipped, latenessBound, t.lostDeltas);
  const g = aggregator.gauges();
  const partial = {
    operations,
    totals: { requests, errors, errorRate: requests === 0 ? 0 : errors / requests, errorsByKind },
    generator: { lateness },
    ...(t.backlog ? { backlog: { maxOldestAgeMs: t.backlog.maxOldestAgeMs } } : {}),
  };
  const thresholdResults = evaluateThresholds(partial, thresholds);
  const { startedAt, endedAt, virtualStart, virtualEnd, ...rest } = info;
  return {
    schema: SUMMARY_SCHEMA,
    ...rest,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    wallDurationMs,
    virtualStart: new Date(virtualStart).toISOString(),
    virtualEnd: new Date(virtualEnd).toISOString(),
    virtualDurationMs: virtualEnd - virtualStart,
    totals: {
      requests,
      perSecond: perSecond(requests),
      errors,
      errorRate: partial.totals.errorRate,
      retries: operations.reduce((s, o) => s + o.retries, 0),
      bytesIn: operations.reduce((s, o) => s + o.bytesIn, 0),
      bytesOut: operations.reduce((s, o) => s + o.bytesOut, 0),
    },
    errorsByKind,
    operations,
    generator: { sent: t.sent, skipped, lateness, lostMetricDeltas: t.lostDeltas, ...generator },
    ...(t.backlog
      ? {
          backlog: {
            samples: t.backlog.samples,
            maxDepth: t.backlog.maxDepth,
            maxOldestAgeMs: t.backlog.maxOldestAgeMs,
            lastDepth: t.backlog.last.depth,
          },
        }
      : {}),
    fleet: {
      activeClients: g.activeClients,
      scheduledClients: g.scheduledClients,
      gauges: g.gauges,
      ...(fleetStuckVerdict(g.gauges) ? { stuck: fleetStuckVerdict(g.gauges) } : {}),
    },
    ...(t.deployments ? { deployments: t.deployments } : {}),
    thresholds: thresholdResults,
    exitCode: exitCodeFor(info.end, thresholdResults),
  };
}

export function exitCodeFor(end: RunEnd, thresholds: readonly ThresholdResult[]): number {
  if (end === 'aborted') return EXIT_ABORTED;
  if (end === 'interrupted') return EXIT_INTERRUPTED;
  return thresholds.some((t) => t.breached) ? EXIT_THRESHOLD_BREACHED : EXIT_OK;
}

function generatorVerdict(
  lateness: LatencySummary,
  skipped: Record<string, number>,
  boundMs: number,
  lostDeltas: number,
): { keptUp: boolean; verdict: string } {
  const problems: string[] = [];
  if (lateness.p99Ms > boundMs) {
    problems.push(
      `99% of requests went out within ${fmt(lateness.p99Ms)} ms of their scheduled time, over the ` +
        `${fmt(boundMs)} ms bound (worst ${fmt(lateness.maxMs)} ms): the measured latencies include time the ` +
        `generator itself was behind, and the offered load was lower than the profile asked for`,
    );
  }
  const inFlightSkips = skipped['in-flight-limit'] ?? 0;
  if (inFlightSkips > 0) {
    problems.push(
      `${inFlightSkips} requests were not sent because the in-flight limit was reached (the target answers ` +
        `slower than the fleet asks; raise the limit or lower the fleet size)`,
    );
  }
  if (lostDeltas > 0) problems.push(`${lostDeltas} metric intervals from workers were lost`);
  if (problems.length === 0) {
    return {
      keptUp: true,
      verdict: `The generator kept up: p99 lateness ${fmt(lateness.p99Ms)} ms (bound ${fmt(boundMs)} ms), nothing skipped.`,
    };
  }
  return { keptUp: false, verdict: `The generator could NOT keep up: ${problems.join('; ')}.` };
}

function fmt(n: number): string {
  return n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toString();
}
