// A synthetic but realistic Patch Tuesday timeline, for report tests that need many intervals (a real
// run of a simulated day takes minutes): 3,000 warm clients, at 1 h a new catalog and a required
// deployment with a deadline, a scan wave on the SUP, downloads from the DP, a state-message backlog that
// rises and drains, a SUP fault, errors at the peak and a generator that falls behind briefly.
// Figures follow the shapes a real run shows; the numbers are made up.
import type { IntervalStats, OperationInterval } from '../../../harness/metrics/aggregator.ts';
import type { RunEvent, RunMeta } from '../../../harness/metrics/outputs/output.ts';
import { TIMELINE_SCHEMA, type TimelineLine } from '../../../harness/metrics/outputs/timeline-format.ts';
import { SUMMARY_SCHEMA, type RunSummary } from '../../../harness/metrics/summary.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
export const VIRTUAL_START = Date.UTC(2026, 11, 8, 17, 0, 0);
/** A title that would break out of the page if anything were not escaped. */
export const HOSTILE_TITLE = 'SUP2 down </script><script>window.__pwned = 1</script> <b>&amp;</b>';

export interface SyntheticOptions {
  /** Intervals (one wall second each). */
  intervals: number;
  /** Virtual ms per interval (the run's speed × 1 s). */
  virtualStepMs: number;
}

/** A bump: 0 before `at`, rising to 1 over `rise`, decaying with time constant `decay` (all virtual ms). */
function wave(t: number, at: number, rise: number, decay: number): number {
  if (t < at) return 0;
  const d = t - at;
  return d < rise ? d / rise : Math.exp(-(d - rise) / decay);
}

/** Deterministic noise in [-1, 1]. */
function noise(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

function op(
  name: string,
  perSecond: number,
  p50: number,
  errorsByKind: Record<string, number> = {},
): OperationInterval {
  const requests = Math.round(perSecond);
  const errors = Object.values(errorsByKind).reduce((s, n) => s + n, 0);
  return {
    name,
    requests,
    perSecond: requests,
    errors,
    errorsByKind,
    retries: 0,
    bytesIn: requests * 4200,
    bytesOut: requests * 900,
    p50Ms: p50,
    p90Ms: p50 * 2.1,
    p95Ms: p50 * 2.8,
    p99Ms: p50 * 4.5,
    maxMs: p50 * 7,
  };
}

export function syntheticTimeline(o: SyntheticOptions): TimelineLine[] {
  const clients = 3000;
  const tuesday = VIRTUAL_START + HOUR;
  const deadline = tuesday + 6 * HOUR;
  const meta: RunMeta = {
    runId: 'ps-20261208-synthetic',
    profile: 'patch-tuesday <i>synthetic</i>',
    seed: 42,
    fleetSize: clients,
    workers: 2,
    speed: o.virtualStepMs / 1000,
    virtualStart: VIRTUAL_START,
    durationMs: o.intervals * o.virtualStepMs,
    wallStart: Date.UTC(2026, 11, 6, 9, 0, 0),
    target: 'embedded',
    thresholds: ['p95:wsus.SyncUpdates<400ms', 'errorRate<0.01'],
    intervalMs: 1000,
  };
  const lines: TimelineLine[] = [{ type: 'start', schema: TIMELINE_SCHEMA, meta }];
  const events: RunEvent[] = [
    { virtualTime: VIRTUAL_START, kind: 'run-started', title: 'run started: 3,000 clients' },
    { virtualTime: tuesday, kind: 'catalog-published', title: 'catalog version 2: 10 updates' },
    {
      virtualTime: tuesday,
      kind: 'deployment-created',
      title: 'Patch Tuesday 2026-12: 10 updates required, deadline in 6h',
      tags: { deployment: 'PS100001' },
    },
    {
      virtualTime: tuesday + 2 * HOUR,
      kind: 'fault-injected',
      title: HOSTILE_TITLE,
      tags: { sup: 'node 2' },
    },
    { virtualTime: tuesday + 2.5 * HOUR, kind: 'fault-cleared', title: 'SUP2 restored' },
    {
      virtualTime: tuesday + 40 * MIN,
      kind: 'threshold-breached',
      title: 'p95 wsus.SyncUpdates over 500 ms',
    },
  ];
  let nextEvent = 0;
  let scansOnline = 0;
  let scansOffline = 0;
  for (let i = 1; i <= o.intervals; i++) {
    const t = VIRTUAL_START + i * o.virtualStepMs;
    while (nextEvent < events.length && events[nextEvent]!.virtualTime <= t)
      lines.push({ type: 'event', event: events[nextEvent++]! });
    const scan = wave(t, tuesday, 10 * MIN, 50 * MIN);
    const download = wave(t, tuesday + 20 * MIN, 30 * MIN, 90 * MIN);
    const state = wave(t, tuesday + 30 * MIN, 40 * MIN, 100 * MIN);
    const faulty = t >= tuesday + 2 * HOUR && t < tuesday + 2.5 * HOUR;
    const jitter = 1 + 0.15 * noise(i, 1);
    const syncRate = (4 + 180 * scan) * jitter;
    const operations = [
      op('mp.policy.assignments', 8 * jitter, 6 + 2 * noise(i, 2)),
      op('mp.location.wsus', 2 + 20 * scan, 4),
      op('mp.location.content', 2 + 30 * download, 5),
      op('mp.statemsg', (3 + 60 * state) * jitter, 12 + 30 * state, faulty ? { 'http-5xx': 1 } : {}),
      op('wsus.GetCookie', 1 + 10 * scan, 15),
      op(
        'wsus.SyncUpdates',
        syncRate,
        25 + 160 * scan,
        scan > 0.6 ? { 'http-5xx': Math.round(6 * scan), timeout: 1 } : faulty ? { reset: 9 } : {},
      ),
      op('wsus.GetExtendedUpdateInfo', 1 + 40 * scan, 30 + 40 * scan),
      op('dp.get', (1 + 45 * download) * jitter, 80 + 300 * download),
    ];
    const depth = Math.round(25_000 * Math.max(0, state - 0.35) + 40 * Math.max(0, noise(i, 3)));
    const installed = Math.round(
      clients * Math.min(1, Math.max(0, (t - tuesday - 30 * MIN) / (5 * HOUR))) * 0.96,
    );
    const downloaded = Math.round(Math.min(clients - installed, clients * 0.3 * download));
    const failed = Math.round(installed * 0.01);
    const scheduled = t >= tuesday;
    scansOnline += Math.round(syncRate * 0.2);
    scansOffline += Math.round(3 * jitter);
    const stats: IntervalStats = {
      wallTime: meta.wallStart + i * 1000,
      virtualTime: t,
      elapsedMs: 1000,
      requests: 0,
      perSecond: 0,
      errors: 0,
      bytesIn: 0,
      bytesOut: 0,
      p95Ms: 0,
      latenessP50Ms: 0.8 + 0.3 * noise(i, 4),
      latenessP99Ms: 3 + 2 * Math.abs(noise(i, 5)) + (scan > 0.85 ? 140 * scan : 0),
      sent: 0,
      skipped: scan > 0.9 ? 20 : 0,
      skippedByReason: scan > 0.9 ? { 'in-flight-limit': 20 } : {},
      operations,
      inFlight: Math.round(syncRate / 4),
      activeClients: Math.round(syncRate),
      scheduledClients: clients,
      gauges: {
        'fleet.compliant': scheduled ? installed : 2870,
        'fleet.nonCompliant': scheduled ? clients - installed - 40 : 90,
        'fleet.unknown': 40,
        'fleet.scansOnline': scansOnline,
        'fleet.scansOffline': scansOffline,
        'fleet.queuedStateMessages': Math.round(300 * state),
      },
      backlog: { depth, oldestAgeMs: depth === 0 ? 0 : Math.round(depth * 95), processedPerMinute: 30_000 },
      ...(scheduled
        ? {
            deployments: [
              {
                id: 'PS100001',
                name: 'Patch Tuesday 2026-12 <all clients>',
                deadline,
                targeted: clients,
                required: clients - installed - downloaded - failed,
                downloaded,
                installed,
                failed,
                pendingRestart: Math.round(installed * 0.05),
                unknown: 25,
              },
            ],
          }
        : {}),
    };
    for (const x of operations) {
      stats.requests += x.requests;
      stats.errors += x.errors;
      stats.bytesIn += x.bytesIn;
      stats.bytesOut += x.bytesOut;
    }
    stats.perSecond = stats.requests;
    stats.sent = stats.requests + stats.skipped;
    lines.push({ type: 'interval', stats });
  }
  while (nextEvent < events.length) lines.push({ type: 'event', event: events[nextEvent++]! });
  lines.push({ type: 'end', summary: summaryOf(meta, lines) });
  return lines;
}

/** A summary consistent with the intervals (totals summed; percentiles the worst interval's). */
function summaryOf(meta: RunMeta, lines: TimelineLine[]): RunSummary {
  const ops = new Map<string, RunSummary['operations'][number]>();
  const errorsByKind: Record<string, number> = {};
  const wallMs = (lines.filter((l) => l.type === 'interval').length || 1) * 1000;
  for (const l of lines) {
    if (l.type !== 'interval') continue;
    for (const x of l.stats.operations) {
      const s = ops.get(x.name) ?? {
        name: x.name,
        requests: 0,
        perSecond: 0,
        errors: 0,
        errorRate: 0,
        errorsByKind: {},
        retries: 0,
        bytesIn: 0,
        bytesOut: 0,
        latency: { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 },
      };
      s.requests += x.requests;
      s.errors += x.errors;
      s.bytesIn += x.bytesIn;
      s.bytesOut += x.bytesOut;
      for (const [k, n] of Object.entries(x.errorsByKind)) {
        s.errorsByKind[k] = (s.errorsByKind[k] ?? 0) + n;
        errorsByKind[k] = (errorsByKind[k] ?? 0) + n;
      }
      const lat = s.latency;
      lat.count += x.requests;
      lat.p50Ms = Math.max(lat.p50Ms, x.p50Ms * 0.6);
      lat.p90Ms = Math.max(lat.p90Ms, x.p90Ms * 0.7);
      lat.p95Ms = Math.max(lat.p95Ms, x.p95Ms * 0.8);
      lat.p99Ms = Math.max(lat.p99Ms, x.p99Ms * 0.9);
      lat.maxMs = Math.max(lat.maxMs, x.maxMs);
      ops.set(x.name, s);
    }
  }
  const operations = [...ops.values()].map((s) => ({
    ...s,
    perSecond: (s.requests * 1000) / wallMs,
    errorRate: s.errors / Math.max(1, s.requests),
  }));
  const requests = operations.reduce((s, x) => s + x.requests, 0);
  const errors = operations.reduce((s, x) => s + x.errors, 0);
  const sync = operations.find((x) => x.name === 'wsus.SyncUpdates')!;
  const virtualEnd = meta.virtualStart + meta.durationMs;
  const thresholds: RunSummary['thresholds'] = [
    {
      name: 'p95Ms[wsus.SyncUpdates]',
      limit: 500,
      actual: sync.latency.p95Ms,
      breached: sync.latency.p95Ms > 500,
      description: 'p95 latency of wsus.SyncUpdates ≤ 500 ms',
    },
    {
      name: 'errorRate',
      limit: 0.01,
      actual: errors / Math.max(1, requests),
      breached: errors / Math.max(1, requests) > 0.01,
      description: 'error rate ≤ 1%',
    },
  ];
  return {
    schema: SUMMARY_SCHEMA,
    profile: meta.profile,
    seed: meta.seed,
    fleetSize: meta.fleetSize,
    workers: meta.workers,
    speed: meta.speed,
    end: 'completed',
    startedAt: new Date(meta.wallStart).toISOString(),
    endedAt: new Date(meta.wallStart + wallMs).toISOString(),
    wallDurationMs: wallMs,
    virtualStart: new Date(meta.virtualStart).toISOString(),
    virtualEnd: new Date(virtualEnd).toISOString(),
    virtualDurationMs: meta.durationMs,
    totals: {
      requests,
      perSecond: (requests * 1000) / wallMs,
      errors,
      errorRate: errors / Math.max(1, requests),
      retries: 0,
      bytesIn: operations.reduce((s, x) => s + x.bytesIn, 0),
      bytesOut: operations.reduce((s, x) => s + x.bytesOut, 0),
    },
    errorsByKind,
    operations,
    generator: {
      sent: requests,
      skipped: { 'in-flight-limit': 400 },
      lateness: { count: requests, meanMs: 2, p50Ms: 0.8, p90Ms: 3, p95Ms: 4, p99Ms: 61, maxMs: 180 },
      lostMetricDeltas: 0,
      keptUp: false,
      verdict:
        'The generator could NOT keep up: 400 requests were not sent because the in-flight limit was reached.',
    },
    backlog: { samples: 100, maxDepth: 16_000, maxOldestAgeMs: 1_520_000, lastDepth: 0 },
    fleet: { activeClients: 10, scheduledClients: meta.fleetSize, gauges: { 'fleet.compliant': 2765 } },
    thresholds,
    exitCode: thresholds.some((t) => t.breached) ? 1 : 0,
  };
}
