// Pass/fail limits evaluated at the end of a run. Each result names the limit so the summary can say
// exactly what was breached.

export interface Thresholds {
  /** p95 latency limit per operation name, ms ('*' applies to every operation without its own). */
  p95Ms?: Record<string, number>;
  /** Errors / requests over the whole run, 0..1. */
  errorRate?: number;
  /** Errors of one kind / requests over the whole run, 0..1, per kind (schema.ts ErrorKind). */
  errorRateByKind?: Record<string, number>;
  /** Oldest unprocessed state message seen on the site's backlog, ms (needs the observer API). */
  maxBacklogAgeMs?: number;
  /** Generator lateness p99, ms. */
  latenessP99Ms?: number;
}

export interface ThresholdResult {
  /** e.g. 'p95Ms[wsus.SyncUpdates]', 'errorRate'. */
  name: string;
  limit: number;
  /** null when the run produced no figure for it (e.g. no backlog samples). */
  actual: number | null;
  breached: boolean;
  description: string;
}

export interface ThresholdInputs {
  operations: readonly { name: string; latency: { p95Ms: number; count: number } }[];
  totals: { errorRate: number; requests: number; errorsByKind?: Readonly<Record<string, number>> };
  generator: { lateness: { p99Ms: number; count: number } };
  backlog?: { maxOldestAgeMs: number };
}

export function evaluateThresholds(inputs: ThresholdInputs, t: Thresholds): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  if (t.p95Ms) {
    const wildcard = t.p95Ms['*'];
    const named = new Set(Object.keys(t.p95Ms).filter((k) => k !== '*'));
    for (const name of named) {
      const op = inputs.operations.find((o) => o.name === name);
      const limit = t.p95Ms[name]!;
      const actual = op && op.latency.count > 0 ? op.latency.p95Ms : null;
      results.push({
        name: `p95Ms[${name}]`,
        limit,
        actual,
        breached: actual !== null && actual > limit,
        description: `p95 latency of ${name} ≤ ${limit} ms${actual === null ? ' (no requests of this operation)' : ''}`,
      });
    }
    if (wildcard !== undefined) {
      for (const op of inputs.operations) {
        if (named.has(op.name) || op.latency.count === 0) continue;
        results.push({
          name: `p95Ms[${op.name}]`,
          limit: wildcard,
          actual: op.latency.p95Ms,
          breached: op.latency.p95Ms > wildcard,
          description: `p95 latency of ${op.name} ≤ ${wildcard} ms (from '*')`,
        });
      }
    }
  }
  if (t.errorRate !== undefined) {
    const actual = inputs.totals.requests > 0 ? inputs.totals.errorRate : null;
    results.push({
      name: 'errorRate',
      limit: t.errorRate,
      actual,
      breached: actual !== null && actual > t.errorRate,
      description: `errors / requests ≤ ${t.errorRate}`,
    });
  }
  for (const [kind, limit] of Object.entries(t.errorRateByKind ?? {})) {
    const n = inputs.totals.errorsByKind?.[kind] ?? 0;
    const actual = inputs.totals.requests > 0 ? n / inputs.totals.requests : null;
    results.push({
      name: `errorRate[${kind}]`,
      limit,
      actual,
      breached: actual !== null && actual > limit,
      description: `${kind} errors / requests ≤ ${limit}`,
    });
  }
  if (t.maxBacklogAgeMs !== undefined) {
    const actual = inputs.backlog ? inputs.backlog.maxOldestAgeMs : null;
    results.push({
      name: 'maxBacklogAgeMs',
      limit: t.maxBacklogAgeMs,
      actual,
      breached: actual !== null && actual > t.maxBacklogAgeMs,
      description: `oldest unprocessed state message ≤ ${t.maxBacklogAgeMs} ms${actual === null ? ' (target has no observer API: not measured)' : ''}`,
    });
  }
  if (t.latenessP99Ms !== undefined) {
    const l = inputs.generator.lateness;
    const actual = l.count > 0 ? l.p99Ms : null;
    results.push({
      name: 'latenessP99Ms',
      limit: t.latenessP99Ms,
      actual,
      breached: actual !== null && actual > t.latenessP99Ms,
      description: `generator lateness p99 ≤ ${t.latenessP99Ms} ms`,
    });
  }
  return results;
}

/** The thresholds in `--threshold` syntax (for reports and outputs' run metadata). */
export function thresholdTexts(t: Thresholds): string[] {
  const texts: string[] = [];
  for (const [op, ms] of Object.entries(t.p95Ms ?? {})) texts.push(`p95:${op}<${ms}ms`);
  if (t.errorRate !== undefined) texts.push(`errorRate<${t.errorRate}`);
  if (t.maxBacklogAgeMs !== undefined) texts.push(`maxBacklogAge<${t.maxBacklogAgeMs}ms`);
  if (t.latenessP99Ms !== undefined) texts.push(`latenessP99<${t.latenessP99Ms}ms`);
  return texts;
}
