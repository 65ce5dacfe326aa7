// The JUnit report is valid XML whose counts match the run (even with hostile text in a message);
// the JSON report round-trips; the text report cites rule IDs.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../conformance/check.ts';
import { formatJsonReport, JSON_REPORT_SCHEMA } from '../../conformance/report/json.ts';
import { formatJunitReport } from '../../conformance/report/junit.ts';
import { formatTextReport } from '../../conformance/report/text.ts';
import type { ConformanceReport } from '../../conformance/runner.ts';

const results: CheckResult[] = [
  { id: 'a', title: 'A', rules: ['W-PORTS'], status: 'pass', message: 'ok', durationMs: 12 },
  {
    id: 'b',
    title: 'B',
    rules: ['W-COOKIE', 'W-PAGE'],
    status: 'fail',
    message: 'expected <CookieExpired> & got "InvalidCookie" \u0001\u0007 garbage',
    details: ['line ]]> one'],
    durationMs: 3400,
  },
  { id: 'c', title: 'C', rules: ['S-TTL'], status: 'skip', message: 'skipped: needs clock', durationMs: 0 },
  {
    id: 'd',
    title: 'D',
    rules: ['W-DELTA'],
    status: 'blocked',
    message: 'blocked by sup-handshake: GetAuthorizationCookie answered HTTP 404',
    durationMs: 0,
  },
  {
    id: 'e',
    title: 'E',
    rules: ['W-PAGE'],
    status: 'pass',
    message: 'fine',
    durationMs: 9000,
    loadFinding: 'load finding (not a conformance failure): 3 of 9 replies took 2 s or more',
  },
];
const report: ConformanceReport = {
  target: { sup: 'http://127.0.0.1:1234' },
  startedAt: '2024-01-01T00:00:00.000Z',
  durationMs: 3412,
  results,
  counts: { total: 5, passed: 2, failed: 1, skipped: 1, blocked: 1 },
};

describe('conformance reports', () => {
  it('writes JUnit XML that parses and whose counts match', () => {
    const xml = formatJunitReport(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(suite.tests).toBe('5');
    expect(suite.failures).toBe('1');
    // JUnit has no "blocked": it counts as skipped, its message naming the blocking check.
    expect(suite.skipped).toBe('2');
    expect(suite.testcase).toHaveLength(5);
    expect(suite.testcase[3].skipped.message).toBe(
      'blocked by sup-handshake: GetAuthorizationCookie answered HTTP 404',
    );
    expect(suite.testcase[4]['system-out']).toContain('load finding (not a conformance failure)');
    const failed = suite.testcase[1];
    expect(failed.name).toBe('b [W-COOKIE, W-PAGE]');
    expect(failed.failure.message).toContain('expected <CookieExpired> & got "InvalidCookie"');
    expect(suite.testcase[2].skipped.message).toBe('skipped: needs clock');
    // classname is constant; the rule IDs are each a property of their testcase.
    expect(new Set(suite.testcase.map((c: { classname: string }) => c.classname))).toEqual(
      new Set(['patchstorm.conformance']),
    );
    expect(failed.properties.property).toEqual([
      { name: 'rule', value: 'W-COOKIE' },
      { name: 'rule', value: 'W-PAGE' },
    ]);
    expect(suite.testcase[0].properties.property).toEqual({ name: 'rule', value: 'W-PORTS' });
  });

  it('writes a JSON report with a schema tag', () => {
    const parsed = JSON.parse(formatJsonReport(report));
    expect(parsed.schema).toBe(JSON_REPORT_SCHEMA);
    expect(parsed.counts).toEqual(report.counts);
    expect(parsed.results[1].rules).toEqual(['W-COOKIE', 'W-PAGE']);
  });

  it('cites rule ids and says the verdict in the text report', () => {
    const text = formatTextReport(report);
    expect(text).toContain('FAIL  b [W-COOKIE, W-PAGE]');
    expect(text).toContain('1 failed');
    expect(text).toContain('BLOCK d [W-DELTA]');
    expect(text).toContain('1 blocked');
    expect(text).toContain('LOAD  load finding (not a conformance failure)');
    expect(text).toContain('NOT CONFORMANT');
  });
});
