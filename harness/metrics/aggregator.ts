// The coordinator's side of the metrics: merges every worker's per-interval deltas into
// (a) the current interval, drained once per tick for the live sinks, and (b) run totals for the
// summary. Memory is bounded by the number of operations, never by run length: histograms are merged,
// not appended.
import type { DeploymentCompliance } from '../../protocol/observer.ts';
import type { MetricsDelta } from './delta.ts';
import { type DeploymentOutcome, DeploymentSamples } from './deployment-samples.ts';
import { decodeHistogram, type Histogram, newHistogram, percentileMs } from './histogram.ts';
import { operationOrder } from './schema.ts';

export interface OperationAccumulator {
  requests: number;
  errors: Map<string, number>;
  retries: number;
  bytesIn: number;
  bytesOut: number;
  latency: Histogram;
}

export interface BacklogSample {
  /** State messages accepted but not yet processed. */
  depth: number;
  /** Age of the oldest unprocessed message, ms (site time). */
  oldestAgeMs: number;
  processedPerMinute?: number;
}

export interface OperationInterval {
  name: string;
  requests: number;
  perSecond: number;
  errors: number;
  /** Errors of this interval by kind (`schema.ts` ErrorKind). */
  errorsByKind: Record<string, number>;
  retries: number;
  bytesIn: number;
  bytesOut: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * ConfigMgr's own per-deployment figure (topics 300/301 as the site processed them): clients in each
 * enforcement state. The observer answers it (`GET /api/deployments/compliance`); its one home is the
 * site's state system, whose answer this is.
 */
export type { DeploymentCompliance };

/** One tick's view for live sinks. */
export interface IntervalStats {
  wallTime: number;
  virtualTime: number;
  elapsedMs: number;
  requests: number;
  perSecond: number;
  errors: number;
  bytesIn: number;
  bytesOut: number;
  /** Over all operations in the interval. */
  p95Ms: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  sent: number;
  skipped: number;
  /** Skipped actions of this interval by reason (`schema.ts` SKIP_REASONS). */
  skippedByReason: Record<string, number>;
  operations: OperationInterval[];
  inFlight: number;
  activeClients: number;
  scheduledClients: number;
  gauges: Record<string, number>;
  backlog?: BacklogSample;
  /** Per-deployment compliance as the site reports it (latest sample), when an observer is given. */
  deployments?: DeploymentCompliance[];
}

interface ShardGauges {
  inFlight: number;
  activeClients: number;
  scheduledClients: number;
  gauges: Record<string, number>;
}

class Accumulators {
  readonly ops = new Map<string, OperationAccumulator>();
  readonly lateness: Histogram;

  constructor(readonly kind: 'interval' | 'total') {
    this.lateness = newHistogram(kind);
  }

  readonly skipped = new Map<string, number>();
  sent = 0;

  /** `decoded`: histograms already decoded from this delta (decode once, add to interval and total). */
  add(delta: MetricsDelta, decoded: ReadonlyMap<string, Histogram>): void {
    for (const [name, d] of Object.entries(delta.operations)) {
      let acc = this.ops.get(name);
      if (!acc) {
        acc = {
          requests: 0,
          errors: new Map(),
          retries: 0,
          bytesIn: 0,
          bytesOut: 0,
          latency: newHistogram(),
        };
        this.ops.set(name, acc);
      }
      acc.requests += d.requests;
      acc.retries += d.retries;
      acc.bytesIn += d.bytesIn;
      acc.bytesOut += d.bytesOut;
      for (const [kind, n] of Object.entries(d.errors)) acc.errors.set(kind, (acc.errors.get(kind) ?? 0) + n);
      if (d.latency) acc.latency.add(decoded.get(d.latency) ?? decodeHistogram(d.latency));
    }
    if (delta.lateness) this.lateness.add(decoded.get(delta.lateness) ?? decodeHistogram(delta.lateness));
    this.sent += delta.sent;
    for (const [reason, n] of Object.entries(delta.skipped))
      this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + n);
  }

  reset(): void {
    for (const acc of this.ops.values()) {
      acc.requests = 0;
      acc.retries = 0;
      acc.bytesIn = 0;
      acc.bytesOut = 0;
      acc.errors.clear();
      acc.latency.reset();
    }
    this.lateness.reset();
    this.skipped.clear();
    this.sent = 0;
  }
}

export class MetricsAggregator {
  readonly #interval = new Accumulators('interval');
  readonly #total = new Accumulators('total');
  readonly #shards = new Map<number, ShardGauges>();
  /** Scratch histogram for the interval's all-operations p95, reused every tick. */
  readonly #allOperations = newHistogram();
  readonly #lastSeq = new Map<number, number>();
  #lostDeltas = 0;
  #lastTickWall: number;
  #lastVirtual: number;
  #backlog: BacklogSample | undefined;
  #backlogMaxDepth = 0;
  #backlogMaxAgeMs = 0;
  #backlogSamples = 0;
  readonly #deployments = new DeploymentSamples();

  constructor(startWall: number, startVirtual: number) {
    this.#lastTickWall = startWall;
    this.#lastVirtual = startVirtual;
  }

  /** The load started at `wallTime` (after workers loaded): the first interval's rates count from here. */
  startAt(wallTime: number): void {
    this.#lastTickWall = wallTime;
  }

  add(delta: MetricsDelta): void {
    const last = this.#lastSeq.get(delta.shard);
    if (last !== undefined && delta.seq > last + 1) this.#lostDeltas += delta.seq - last - 1;
    this.#lastSeq.set(delta.shard, delta.seq);
    const decoded = new Map<string, Histogram>();
    for (const d of Object.values(delta.operations))
      if (d.latency) decoded.set(d.latency, decodeHistogram(d.latency));
    if (delta.lateness) decoded.set(delta.lateness, decodeHistogram(delta.lateness));
    this.#interval.add(delta, decoded);
    this.#total.add(delta, decoded);
    this.#shards.set(delta.shard, {
      inFlight: delta.inFlight,
      activeClients: delta.activeClients,
      scheduledClients: delta.scheduledClients,
      gauges: delta.gauges,
    });
    if (delta.virtualTime > this.#lastVirtual) this.#lastVirtual = delta.virtualTime;
  }

  addBacklog(sample: BacklogSample): void {
    this.#backlog = sample;
    this.#backlogSamples++;
    this.#backlogMaxDepth = Math.max(this.#backlogMaxDepth, sample.depth);
    this.#backlogMaxAgeMs = Math.max(this.#backlogMaxAgeMs, sample.oldestAgeMs);
  }

  /**
   * The site's latest per-deployment compliance (replaces the previous sample), sampled at virtual time
   * `at` (default: the latest virtual time the workers reported). The last sample at or before each
   * deployment's deadline is kept for the summary's "installed by the deadline".
   */
  setDeployments(deployments: DeploymentCompliance[], at = this.#lastVirtual): void {
    this.#deployments.record(deployments, at);
  }

  /** Drains the current interval. */
  takeInterval(wallTime: number, virtualTime: number): IntervalStats {
    const elapsedMs = Math.max(1, wallTime - this.#lastTickWall);
    this.#lastTickWall = wallTime;
    const perSecond = (n: number) => (n * 1000) / elapsedMs;
    const all = this.#allOperations;
    all.reset();
    let requests = 0;
    let errors = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    const operations: OperationInterval[] = [];
    for (const [name, acc] of [...this.#interval.ops].sort((a, b) => operationOrder(a[0], b[0]))) {
      if (acc.requests === 0) continue;
      const errs = sum(acc.errors.values());
      requests += acc.requests;
      errors += errs;
      bytesIn += acc.bytesIn;
      bytesOut += acc.bytesOut;
      all.add(acc.latency);
      operations.push({
        name,
        requests: acc.requests,
        perSecond: perSecond(acc.requests),
        errors: errs,
        errorsByKind: Object.fromEntries(acc.errors),
        retries: acc.retries,
        bytesIn: acc.bytesIn,
        bytesOut: acc.bytesOut,
        p50Ms: percentileMs(acc.latency, 50),
        p90Ms: percentileMs(acc.latency, 90),
        p95Ms: percentileMs(acc.latency, 95),
        p99Ms: percentileMs(acc.latency, 99),
        maxMs: acc.latency.totalCount === 0 ? 0 : acc.latency.maxValue / 1000,
      });
    }
    const g = this.gauges();
    const stats: IntervalStats = {
      wallTime,
      virtualTime,
      elapsedMs,
      requests,
      perSecond: perSecond(requests),
      errors,
      bytesIn,
      bytesOut,
      p95Ms: percentileMs(all, 95),
      latenessP50Ms: percentileMs(this.#interval.lateness, 50),
      latenessP99Ms: percentileMs(this.#interval.lateness, 99),
      sent: this.#interval.sent,
      skipped: sum(this.#interval.skipped.values()),
      skippedByReason: Object.fromEntries(this.#interval.skipped),
      operations,
      ...g,
      ...(this.#backlog ? { backlog: this.#backlog } : {}),
      ...(this.#deployments.latest ? { deployments: this.#deployments.latest } : {}),
    };
    this.#interval.reset();
    return stats;
  }

  /** Gauges summed over shards (latest value of each). */
  gauges(): Pick<IntervalStats, 'inFlight' | 'activeClients' | 'scheduledClients' | 'gauges'> {
    let inFlight = 0;
    let activeClients = 0;
    let scheduledClients = 0;
    const gauges: Record<string, number> = {};
    for (const s of this.#shards.values()) {
      inFlight += s.inFlight;
      activeClients += s.activeClients;
      scheduledClients += s.scheduledClients;
      for (const [k, v] of Object.entries(s.gauges)) gauges[k] = (gauges[k] ?? 0) + v;
    }
    return { inFlight, activeClients, scheduledClients, gauges };
  }

  /** Run totals (live objects: read, don't modify). */
  get totals(): {
    operations: ReadonlyMap<string, OperationAccumulator>;
    lateness: Histogram;
    sent: number;
    skipped: ReadonlyMap<string, number>;
    lostDeltas: number;
    lastVirtualTime: number;
    backlog?: { samples: number; maxDepth: number; maxOldestAgeMs: number; last: BacklogSample };
    /** Final figures per deployment, each with its sample at the deadline. */
    deployments?: DeploymentOutcome[];
  } {
    return {
      operations: this.#total.ops,
      lateness: this.#total.lateness,
      sent: this.#total.sent,
      skipped: this.#total.skipped,
      lostDeltas: this.#lostDeltas,
      lastVirtualTime: this.#lastVirtual,
      ...(this.#backlog
        ? {
            backlog: {
              samples: this.#backlogSamples,
              maxDepth: this.#backlogMaxDepth,
              maxOldestAgeMs: this.#backlogMaxAgeMs,
              last: this.#backlog,
            },
          }
        : {}),
      ...(this.#deployments.latest ? { deployments: this.#deployments.outcomes() } : {}),
    };
  }
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
