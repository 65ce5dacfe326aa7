// `patchstorm bench` results as a table for the terminal and as JSON (schema patchstorm.bench/1).
import { formatCount, padTable } from '../metrics/format.ts';
import type { LoadFigures } from './load.ts';

export const BENCH_SCHEMA = 'patchstorm.bench/1';

export interface BenchReport {
  schema: typeof BENCH_SCHEMA;
  startedAt: string;
  /** Ctrl-C/SIGTERM stopped it: the last operation's figures cover less than --duration. */
  interrupted?: boolean;
  results: (LoadFigures & { op: string })[];
}

export function formatBenchTable(results: BenchReport['results']): string {
  const rows = [['operation', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'requests', 'errors']];
  for (const r of results) {
    rows.push([
      r.name,
      formatCount(Math.round(r.perSecond)),
      String(r.latencyMs.p50),
      String(r.latencyMs.p90),
      String(r.latencyMs.p99),
      String(r.latencyMs.max),
      formatCount(r.requests),
      String(r.errors),
    ]);
  }
  const lines = [padTable(rows, new Set([1, 2, 3, 4, 5, 6, 7]))];
  for (const r of results) {
    const kinds = Object.entries(r.errorsByKind).sort((a, b) => b[1] - a[1]);
    if (kinds.length > 0)
      lines.push(`${r.name} errors by kind: ${kinds.map(([k, n]) => `${k} ${formatCount(n)}`).join(', ')}`);
    if (r.renewals > 0) lines.push(`${r.name}: the cookie was renewed ${r.renewals} time(s) during the run`);
  }
  return lines.join('\n');
}
