// What the report draws of one interval: IntervalStats flattened into named figures for the
// downsampler, plus the names seen (operations, error kinds, skip reasons, deployments) that the chart
// definitions turn into series. Series keys are `<figure>|<name>`: operation names hold dots, so '|'.
import type { DeploymentCompliance, IntervalStats } from '../aggregator.ts';
import { operationOrder } from '../schema.ts';
import type { SeriesRule } from './downsample.ts';

/** Deployments the report follows at most (a site has a handful per Patch Tuesday; the rest are counted). */
export const MAX_DEPLOYMENTS = 12;

/** Per-deployment figures drawn, in ConfigMgr's enforcement-state order. */
export const DEPLOYMENT_STATES = [
  'installed',
  'downloaded',
  'required',
  'pendingRestart',
  'failed',
  'unknown',
] as const satisfies readonly (keyof DeploymentCompliance)[];

export const key = {
  rate: (op: string) => `rate|${op}`,
  latency: (p: 'p50' | 'p95' | 'p99', op: string) => `${p}|${op}`,
  errors: (kind: string) => `errors|${kind}`,
  skipped: (reason: string) => `skipped|${reason}`,
  deployment: (id: string, state: (typeof DEPLOYMENT_STATES)[number]) => `deployment|${id}|${state}`,
  backlogDepth: 'backlog.depth',
  backlogAge: 'backlog.oldestAgeMs',
  compliant: 'fleet.compliant',
  nonCompliant: 'fleet.nonCompliant',
  unknown: 'fleet.unknown',
  scansOnline: 'scans.online',
  scansOffline: 'scans.offline',
  latenessP50: 'lateness.p50',
  latenessP99: 'lateness.p99',
} as const;

/**
 * How each figure survives downsampling. Rates, errors, high percentiles, backlog and lateness keep
 * their extremes (the peak is the finding); p50 is the bucket's mean (its typical value); counters of
 * things that happen (requests, errors, skips, scans) are 0 when an interval has none, gauges and
 * percentiles are gaps when absent (no requests: no latency; no observer: no backlog).
 */
export function seriesRule(k: string): SeriesRule {
  switch (k.split('|', 1)[0]) {
    case 'rate':
    case 'errors':
    case 'skipped':
      return { mode: 'extremes', missing: 'zero' };
    case 'p50':
      return { mode: 'mean', missing: 'gap' };
    default:
      return k === key.scansOnline || k === key.scansOffline
        ? { mode: 'extremes', missing: 'zero' }
        : { mode: 'extremes', missing: 'gap' };
  }
}

export interface DeploymentInfo {
  id: string;
  name: string;
  deadline?: number;
  targeted: number;
}

/** Turns each interval into a sample; remembers the names it met. Memory: bounded by the names. */
export class IntervalSampler {
  readonly #operations = new Set<string>();
  readonly #errorKinds = new Set<string>();
  readonly #skipReasons = new Set<string>();
  readonly #deployments = new Map<string, DeploymentInfo>();
  readonly #deploymentsIgnored = new Set<string>();
  #lastScans: { online: number; offline: number } | undefined;
  #hasBacklog = false;
  #hasFleet = false;

  sample(stats: IntervalStats): Record<string, number> {
    const out: Record<string, number> = {};
    const perSecond = (n: number) => (n * 1000) / Math.max(1, stats.elapsedMs);
    const errorsByKind: Record<string, number> = {};
    for (const op of stats.operations) {
      this.#operations.add(op.name);
      out[key.rate(op.name)] = op.perSecond;
      if (op.requests > 0) {
        out[key.latency('p50', op.name)] = op.p50Ms;
        out[key.latency('p95', op.name)] = op.p95Ms;
        out[key.latency('p99', op.name)] = op.p99Ms;
      }
      for (const [kind, n] of Object.entries(op.errorsByKind))
        errorsByKind[kind] = (errorsByKind[kind] ?? 0) + n;
    }
    for (const [kind, n] of Object.entries(errorsByKind)) {
      this.#errorKinds.add(kind);
      out[key.errors(kind)] = perSecond(n);
    }
    for (const [reason, n] of Object.entries(stats.skippedByReason)) {
      this.#skipReasons.add(reason);
      out[key.skipped(reason)] = n;
    }
    if (stats.sent > 0) {
      out[key.latenessP50] = stats.latenessP50Ms;
      out[key.latenessP99] = stats.latenessP99Ms;
    }
    if (stats.backlog) {
      this.#hasBacklog = true;
      out[key.backlogDepth] = stats.backlog.depth;
      out[key.backlogAge] = stats.backlog.oldestAgeMs;
    }
    this.#sampleFleet(stats, perSecond, out);
    for (const d of stats.deployments ?? []) this.#sampleDeployment(d, out);
    return out;
  }

  #sampleFleet(stats: IntervalStats, perSecond: (n: number) => number, out: Record<string, number>): void {
    const g = stats.gauges;
    if (g['fleet.compliant'] === undefined) return;
    this.#hasFleet = true;
    out[key.compliant] = g['fleet.compliant'];
    out[key.nonCompliant] = g['fleet.nonCompliant'] ?? 0;
    out[key.unknown] = g['fleet.unknown'] ?? 0;
    // Scans online/offline are run counters: drawn as scans per second, the scan wave.
    const scans = { online: g['fleet.scansOnline'] ?? 0, offline: g['fleet.scansOffline'] ?? 0 };
    const last = this.#lastScans ?? { online: 0, offline: 0 };
    out[key.scansOnline] = perSecond(Math.max(0, scans.online - last.online));
    out[key.scansOffline] = perSecond(Math.max(0, scans.offline - last.offline));
    this.#lastScans = scans;
  }

  #sampleDeployment(d: DeploymentCompliance, out: Record<string, number>): void {
    if (!this.#deployments.has(d.id)) {
      if (this.#deployments.size >= MAX_DEPLOYMENTS) {
        this.#deploymentsIgnored.add(d.id);
        return;
      }
    }
    this.#deployments.set(d.id, {
      id: d.id,
      name: d.name,
      targeted: d.targeted,
      ...(d.deadline !== undefined ? { deadline: d.deadline } : {}),
    });
    for (const state of DEPLOYMENT_STATES) out[key.deployment(d.id, state)] = d[state];
  }

  get seen(): SeenNames {
    return {
      operations: [...this.#operations].sort(operationOrder),
      errorKinds: [...this.#errorKinds].sort(),
      skipReasons: [...this.#skipReasons].sort(),
      deployments: [...this.#deployments.values()],
      deploymentsIgnored: this.#deploymentsIgnored.size,
      hasBacklog: this.#hasBacklog,
      hasFleet: this.#hasFleet,
    };
  }
}

export interface SeenNames {
  operations: string[];
  errorKinds: string[];
  skipReasons: string[];
  deployments: DeploymentInfo[];
  deploymentsIgnored: number;
  hasBacklog: boolean;
  hasFleet: boolean;
}
