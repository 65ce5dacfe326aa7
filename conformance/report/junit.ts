// JUnit XML report for CI systems: one testsuite, one testcase per check. classname is the constant
// "patchstorm.conformance"; name is "<check id> [<rule IDs>]" and each rule ID (../shared/docs/behaviour.md)
// is also a <property name="rule"> of the testcase, so CI tools that group or filter by property can.
// <failure> / <skipped> carry the check's message, details in the element text. A blocked check (its
// root-cause check failed) is a <skipped> whose message starts "blocked by <check id>: ".
import { escapeXml } from '../../protocol/xml.ts';
import type { CheckResult } from '../check.ts';
import type { ConformanceReport } from '../runner.ts';

/** XML 1.0 forbids most control characters even escaped; a garbage reply quoted in a message must not break the file. */
function clean(text: string): string {
  return escapeXml(text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD'));
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function testcase(result: CheckResult): string {
  const attrs = `classname="patchstorm.conformance" name="${clean(`${result.id} [${result.rules.join(', ')}]`)}" time="${seconds(result.durationMs)}"`;
  const body = [
    result.message,
    ...(result.details ?? []),
    ...(result.loadFinding ? [result.loadFinding] : []),
  ].join('\n');
  const rules = result.rules.map((r) => `\n        <property name="rule" value="${clean(r)}"/>`).join('');
  const properties = `\n      <properties>${rules}\n      </properties>`;
  if (result.status === 'fail') {
    return `    <testcase ${attrs}>${properties}\n      <failure message="${clean(result.message)}" type="ConformanceFailure">${clean(body)}</failure>\n    </testcase>`;
  }
  if (result.status === 'blocked') {
    // JUnit has no "blocked": a skipped testcase whose message starts "blocked by <check>: ...".
    return `    <testcase ${attrs}>${properties}\n      <skipped message="${clean(result.message)}"/>\n    </testcase>`;
  }
  if (result.status === 'skip') {
    return `    <testcase ${attrs}>${properties}\n      <skipped message="${clean(result.message)}"/>\n    </testcase>`;
  }
  const out =
    result.details?.length || result.loadFinding ? `\n      <system-out>${clean(body)}</system-out>` : '';
  return `    <testcase ${attrs}>${properties}${out}\n    </testcase>`;
}

export function formatJunitReport(report: ConformanceReport): string {
  const { total, failed, skipped, blocked } = report.counts;
  const counts = `tests="${total}" failures="${failed}" errors="0" skipped="${skipped + blocked}" time="${seconds(report.durationMs)}"`;
  const properties = Object.entries(report.target)
    .map(([k, v]) => `      <property name="target.${clean(k)}" value="${clean(v)}"/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="patchstorm conformance" ${counts}>`,
    `  <testsuite name="patchstorm.conformance" ${counts} timestamp="${clean(report.startedAt)}">`,
    `    <properties>\n${properties}\n    </properties>`,
    ...report.results.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
