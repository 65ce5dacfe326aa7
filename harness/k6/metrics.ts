// patchstorm's per-operation figures as k6 custom metrics, so a k6 run reports what `patchstorm run` does
// (harness/metrics/schema.ts): latency per operation, requests, and errors by the same kinds. k6 writes
// them to its outputs (`--out influxdb=`) under these names; README.md maps them to the dashboards.
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Decision } from '../client/behaviour.ts';
import type { ErrorKind } from '../client/error-kinds.ts';
import { replyErrorKind } from '../client/reply-errors.ts';
import type { ClientRequest } from '../client/request.ts';
import { METRIC } from './metrics-names.ts';
import type { SendOutcome } from './vu-loop.ts';

/** The error a request counts as, or undefined for a reply the client used (the swarm's rules). */
export function errorKindOf(outcome: SendOutcome, decision: Decision): ErrorKind | undefined {
  if (!outcome.ok) return outcome.kind;
  return replyErrorKind(outcome.reply.status, outcome.reply.body) ?? decision.unusableReply;
}

export class PatchstormMetrics {
  // Created in the init context (k6 refuses new metrics later); isTime makes k6 show ms.
  readonly latency = new Trend(METRIC.latency, true);
  readonly requests = new Counter(METRIC.requests);
  readonly errors = new Counter(METRIC.errors);
  readonly errorRate = new Rate(METRIC.errorRate);

  record(request: ClientRequest, outcome: SendOutcome, decision: Decision): void {
    const op = request.operation;
    const kind = errorKindOf(outcome, decision);
    this.requests.add(1, { op });
    this.errorRate.add(kind !== undefined, { op });
    if (kind !== undefined) this.errors.add(1, { op, kind });
    // Latency of replies only, as the swarm's histograms (a refused connection has none).
    if (outcome.ok) this.latency.add(outcome.reply.latencyMs, { op });
  }
}
