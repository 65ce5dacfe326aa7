// Human-readable report: one line per check with its status, id, cited rules and the message, details
// indented below, and a summary line. Used on the terminal and in CI logs.
import type { CheckResult } from '../check.ts';
import type { ConformanceReport } from '../runner.ts';

const MARK: Record<CheckResult['status'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

export function formatResultLine(result: CheckResult): string {
  const head = `${MARK[result.status]}  ${result.id} [${result.rules.join(', ')}] (${result.durationMs} ms)`;
  const lines = [head, `      ${result.message}`];
  for (const d of result.details ?? []) lines.push(`        - ${d}`);
  return lines.join('\n');
}

export function formatSummary(report: ConformanceReport): string {
  const { passed, failed, skipped, total } = report.counts;
  const verdict = failed > 0 ? 'NOT CONFORMANT' : 'conformant (for the checks that ran)';
  return `${total} checks: ${passed} passed, ${failed} failed, ${skipped} skipped in ${(report.durationMs / 1000).toFixed(1)} s — ${verdict}`;
}

export function formatTextReport(report: ConformanceReport): string {
  const header = Object.entries(report.target)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n');
  return [
    `patchstorm conformance against:\n${header}`,
    ...report.results.map(formatResultLine),
    formatSummary(report),
  ].join('\n');
}
