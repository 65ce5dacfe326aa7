// A worker's metric recorder: per-operation interval histograms and counters, drained into a
// MetricsDelta once per interval. Memory is bounded: at most MAX_OPERATIONS operations, a fixed set
// of error kinds per operation, and histograms that are reset (not reallocated) after each delta.
import type { MetricsDelta, OperationDelta } from './delta.ts';
import { encodeHistogram, type Histogram, newHistogram, recordMs } from './histogram.ts';
import { type ErrorKind, MAX_OPERATIONS, OTHER_OPERATION, type SkipReason } from './schema.ts';

interface OperationState {
  requests: number;
  errors: Map<string, number>;
  retries: number;
  bytesIn: number;
  bytesOut: number;
  latency: Histogram;
}

/** SOAP error codes are server-supplied text; cap how many distinct ones we keep per operation. */
const MAX_ERROR_KINDS = 32;

export interface DeltaGauges {
  inFlight: number;
  scheduledClients: number;
  activeClients: number;
  gauges: Record<string, number>;
}

export class MetricsRecorder {
  readonly #ops = new Map<string, OperationState>();
  readonly #lateness = newHistogram();
  readonly #skipped = new Map<string, number>();
  #sent = 0;
  #seq = 0;

  constructor(readonly shard: number) {}

  /** A reply arrived; `error` is set when its status or SOAP fault counts as an error. */
  recordReply(op: string, latencyMs: number, bytesIn: number, bytesOut: number, error?: ErrorKind): void {
    const s = this.#op(op);
    s.requests++;
    s.bytesIn += bytesIn;
    s.bytesOut += bytesOut;
    recordMs(s.latency, latencyMs);
    if (error) this.#countError(s, error);
  }

  /** The request got no (complete) reply. */
  recordFailure(op: string, kind: ErrorKind, bytesOut: number): void {
    const s = this.#op(op);
    s.requests++;
    s.bytesOut += bytesOut;
    this.#countError(s, kind);
  }

  recordRetry(op: string): void {
    this.#op(op).retries++;
  }

  /** A request was handed to the transport `latenessMs` after its intended send time. */
  recordSend(latenessMs: number): void {
    this.#sent++;
    recordMs(this.#lateness, Math.max(latenessMs, 0));
  }

  recordSkip(reason: SkipReason): void {
    this.#skipped.set(reason, (this.#skipped.get(reason) ?? 0) + 1);
  }

  /** Drains everything recorded since the last call into a delta. */
  takeDelta(wallTime: number, virtualTime: number, gauges: DeltaGauges): MetricsDelta {
    const operations: Record<string, OperationDelta> = {};
    for (const [name, s] of this.#ops) {
      if (s.requests === 0 && s.retries === 0) continue;
      operations[name] = {
        requests: s.requests,
        errors: Object.fromEntries(s.errors),
        retries: s.retries,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
        latency: s.latency.totalCount > 0 ? encodeHistogram(s.latency) : null,
      };
      s.requests = 0;
      s.retries = 0;
      s.bytesIn = 0;
      s.bytesOut = 0;
      s.errors.clear();
      s.latency.reset();
    }
    const delta: MetricsDelta = {
      shard: this.shard,
      seq: this.#seq++,
      wallTime,
      virtualTime,
      operations,
      lateness: this.#lateness.totalCount > 0 ? encodeHistogram(this.#lateness) : null,
      sent: this.#sent,
      skipped: Object.fromEntries(this.#skipped),
      inFlight: gauges.inFlight,
      scheduledClients: gauges.scheduledClients,
      activeClients: gauges.activeClients,
      gauges: gauges.gauges,
    };
    this.#lateness.reset();
    this.#skipped.clear();
    this.#sent = 0;
    return delta;
  }

  #op(name: string): OperationState {
    let s = this.#ops.get(name);
    if (s) return s;
    if (this.#ops.size >= MAX_OPERATIONS) return this.#op(OTHER_OPERATION);
    s = { requests: 0, errors: new Map(), retries: 0, bytesIn: 0, bytesOut: 0, latency: newHistogram() };
    this.#ops.set(name, s);
    return s;
  }

  #countError(s: OperationState, kind: string): void {
    const key = s.errors.has(kind) || s.errors.size < MAX_ERROR_KINDS ? kind : 'soap:other';
    s.errors.set(key, (s.errors.get(key) ?? 0) + 1);
  }
}
