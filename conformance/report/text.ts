// Human-readable report: one line per check with its status, id, cited rules and the message, details
// indented below, and a summary line. Used on the terminal and in CI logs.
import type { CheckResult } from '../check.ts';
import type { ConformanceReport } from '../runner.ts';

const MARK: Record<CheckResult['status'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  skip: 'SKIP',
  blocked: 'BLOCK',
};

export function formatResultLine(result: CheckResult): string {
  const head = `${MARK[result.status].padEnd(5)} ${result.id} [${result.rules.join(', ')}] (${result.durationMs} ms)`;
  const lines = [head, `      ${result.message}`];
  for (const d of result.details ?? []) lines.push(`        - ${d}`);
  if (result.loadFinding) lines.push(`      LOAD  ${result.loadFinding}`);
  return lines.join('\n');
}

export function formatSummary(report: ConformanceReport): string {
  const { passed, failed, skipped, blocked, total } = report.counts;
  const verdict = failed > 0 || blocked > 0 ? 'NOT CONFORMANT' : 'conformant (for the checks that ran)';
  const blockedText = blocked > 0 ? `, ${blocked} blocked` : '';
  return `${total} checks: ${passed} passed, ${failed} failed, ${skipped} skipped${blockedText} in ${(report.durationMs / 1000).toFixed(1)} s — ${verdict}`;
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
