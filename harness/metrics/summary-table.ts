// The final summary as text: per-operation table, errors by kind, generator health, the fleet's state
// and scans, backlog and thresholds, ending with the outcome and exit code in plain words.
import { formatDeploymentLines } from './deployment-lines.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { formatFleetLines } from './fleet-line.ts';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatLatency,
  formatPercent,
  formatRate,
  padTable,
} from './format.ts';
import type { RunSummary } from './summary.ts';

export function formatSummary(s: RunSummary): string {
  const out: string[] = [];
  out.push(
    `patchstorm run${s.profile ? ` '${s.profile}'` : ''}: ${s.end}${s.endReason ? ` (${s.endReason})` : ''}`,
    `  ${formatCount(s.fleetSize)} clients on ${s.workers} workers, seed ${s.seed}, speed ×${s.speed}; ` +
      `virtual ${formatDuration(s.virtualDurationMs)} in wall ${formatDuration(s.wallDurationMs)}`,
    '',
  );
  const rows = [
    ['operation', 'requests', 'req/s', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'in', 'out'],
  ];
  for (const o of s.operations) {
    rows.push([
      o.name,
      formatCount(o.requests),
      formatRate(o.perSecond),
      o.errors === 0 ? '0' : `${formatCount(o.errors)} (${formatPercent(o.errorRate)})`,
      formatMs(o.latency.p50Ms),
      formatMs(o.latency.p95Ms),
      formatMs(o.latency.p99Ms),
      formatMs(o.latency.maxMs),
      formatBytes(o.bytesIn),
      formatBytes(o.bytesOut),
    ]);
  }
  const t = s.totals;
  rows.push([
    'total',
    formatCount(t.requests),
    formatRate(t.perSecond),
    t.errors === 0 ? '0' : `${formatCount(t.errors)} (${formatPercent(t.errorRate)})`,
    '',
    '',
    '',
    '',
    formatBytes(t.bytesIn),
    formatBytes(t.bytesOut),
  ]);
  out.push(padTable(rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9])));
  const kinds = Object.entries(s.errorsByKind).sort((a, b) => b[1] - a[1]);
  if (kinds.length > 0)
    out.push('', `errors by kind: ${kinds.map(([k, n]) => `${k} ${formatCount(n)}`).join(', ')}`);
  if (t.retries > 0) out.push(`retried on a fresh socket after a reset: ${formatCount(t.retries)}`);
  const g = s.generator;
  out.push(
    '',
    `generator: ${formatCount(g.sent)} sent, lateness p50 ${formatLatency(g.lateness.p50Ms)} / ` +
      `p99 ${formatLatency(g.lateness.p99Ms)} / max ${formatLatency(g.lateness.maxMs)}`,
    `  ${g.verdict}`,
  );
  out.push(...formatFleetLines(s.fleet.gauges));
  out.push(...formatDeploymentLines(s.deployments, Date.parse(s.virtualStart)));
  if (s.backlog) {
    out.push(
      `site backlog: max depth ${formatCount(s.backlog.maxDepth)}, oldest message ${formatDuration(s.backlog.maxOldestAgeMs)}, ` +
        `at end ${formatCount(s.backlog.lastDepth)}`,
    );
  }
  if (s.thresholds.length > 0) {
    out.push('', 'thresholds:');
    for (const r of s.thresholds) {
      const actual = r.actual === null ? 'not measured' : formatLatency(r.actual);
      out.push(
        `  ${r.breached ? 'BREACHED' : 'ok      '}  ${r.description}: ${r.name === 'errorRate' && r.actual !== null ? formatPercent(r.actual) : actual}`,
      );
    }
  }
  out.push('', `exit code ${s.exitCode}: ${EXIT_CODES[s.exitCode as keyof typeof EXIT_CODES] ?? 'unknown'}`);
  return out.join('\n');
}
