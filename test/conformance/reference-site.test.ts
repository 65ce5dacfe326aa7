// Every check passes against the clean reference site, and against a site without an observer the
// checks that need one are skipped with the reason, never passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedSite } from '../../conformance/embedded-site.ts';
import { ALL_CHECKS } from '../../conformance/registry.ts';
import { runConformance } from '../../conformance/suite.ts';
import { startTestSite } from './fixtures.ts';

let site: EmbeddedSite;
beforeAll(async () => {
  site = await startTestSite();
});
afterAll(() => site.stop());

describe('conformance against the clean reference site', () => {
  it('passes every check', async () => {
    const report = await runConformance({ target: site.target, checks: ALL_CHECKS });
    const notPassed = report.results.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.message}`);
    expect(notPassed).toEqual([]);
    expect(report.counts.passed).toBe(ALL_CHECKS.length);
  });

  it('skips, with the reason, what needs an observer or MP when the target has only a SUP', async () => {
    const { sup, supHttps, ca, caFile } = site.target;
    const report = await runConformance({
      target: { sup, supHttps, ca, caFile, expectStandardPorts: false },
      checks: ALL_CHECKS,
    });
    const byId = new Map(report.results.map((r) => [r.id, r]));
    for (const check of ALL_CHECKS) {
      const result = byId.get(check.id)!;
      const unmet = check.needs.filter((n) => n !== 'sup' && n !== 'sup-https');
      if (unmet.length === 0) {
        expect(result.status, `${check.id}: ${result.message}`).toBe('pass');
      } else {
        expect(result.status, check.id).toBe('skip');
        expect(result.message).toMatch(/^skipped: needs /);
        if (unmet.includes('observer')) expect(result.message).toContain('the target has no observer API');
        if (unmet.includes('mp')) expect(result.message).toContain('no --mp URL was given');
      }
    }
    expect(report.counts.skipped).toBeGreaterThan(0);
    expect(report.counts.failed).toBe(0);
  });
});
