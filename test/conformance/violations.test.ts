// Every check is only worth the violations it catches: for each named violation of the reference site,
// a fresh site breaks that one rule and the checks that enforce it must FAIL with a message an operator
// would recognise. Every check appears at least once.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, selectChecks } from '../../conformance/registry.ts';
import { runConformance } from '../../conformance/suite.ts';
import { startTestSite } from './fixtures.ts';

const CASES: { violation: string; fails: Record<string, RegExp> }[] = [
  {
    violation: 'location-wrong-ports',
    fails: { 'sup-ports': /points clients at http:\/\/127\.0\.0\.1:80 .*error 6703/ },
  },
  {
    violation: 'full-resync-every-scan',
    fails: {
      'wsus-delta-scan': /ignores the client cache.*full resync/,
      'scan-ttl': /kept resending revisions the client lists as cached.*full resync/,
      'forced-rescan': /kept resending revisions the client lists as cached.*full resync/,
    },
  },
  {
    violation: 'stale-catalog-version',
    fails: { 'catalog-version': /still carries content version 1.*stale catalog version/ },
  },
  {
    violation: 'cookie-never-expires',
    fails: { 'wsus-cookie-expiry': /expected the CookieExpired fault \(the cookie never expires\)/ },
  },
  {
    violation: 'no-registration-check',
    fails: { 'wsus-registration': /expected the RegistrationRequired fault.*does not check registration/ },
  },
  { violation: 'no-paging', fails: { 'wsus-paging': /without any page marked Truncated/ } },
  {
    violation: 'no-extended-limit',
    fails: {
      'wsus-extended-limit': /51 ids.*expected the InvalidParameters fault \(the limit is not enforced\)/,
    },
  },
  {
    violation: 'wrong-fault-shape',
    fails: {
      'wsus-fault-shape': /HTTP 500 "text\/plain.*not a SOAP fault/,
      'wsus-invalid-cookie': /did not get the InvalidCookie fault.*not a SyncUpdates response or SOAP fault/,
    },
  },
  {
    violation: 'drop-state-messages',
    fails: {
      'state-messages': /never reached compliance.*loses state messages/,
      'state-backlog': /lost state messages/,
    },
  },
  {
    violation: 'double-count-duplicates',
    fails: { 'state-messages': /counted again.*duplicates double-counted/ },
  },
  {
    violation: 'no-serial-gap-detection',
    fails: { 'state-messages': /recorded 0 gaps.*no serial-gap detection/ },
  },
  {
    violation: 'reject-when-backlogged',
    fails: { 'state-backlog': /refused state messages while backlogged.*HTTP 503 without Retry-After/ },
  },
  {
    violation: 'no-unknown-while-waiting',
    fails: {
      'state-backlog':
        /more Unknown for update .* clients whose messages are not processed yet must count as Unknown/,
    },
  },
  {
    violation: 'ignore-range',
    // Both the SUP's /Content and the DP (reached through policy and content location) are caught.
    fails: {
      'content-download':
        /^SUP \/Content: .*answered HTTP 200 with the whole file.*ignores Range.*; DP: .*answered HTTP 200 with the whole file.*ignores Range/,
    },
  },
  {
    violation: 'wrong-content-hash',
    fails: {
      'content-download':
        /^SUP \/Content: .*wrong content hash.*; DP: the downloaded file hashes to SHA-1 .*the deployment policy .*wrong content hash/,
    },
  },
  {
    violation: 'accept-any-cookie',
    fails: {
      'wsus-invalid-cookie':
        /SyncUpdates answered RegistrationRequired \(HTTP 500\), expected InvalidCookie — the SUP accepted a cookie it never issued as a genuine one \(it does not verify its cookies/,
    },
  },
];

describe('each check fails on a site that breaks its rule', () => {
  it.each(CASES)('$violation', async ({ violation, fails }) => {
    const site = await startTestSite([violation]);
    try {
      const report = await runConformance({ target: site.target, checks: selectChecks(Object.keys(fails)) });
      for (const result of report.results) {
        expect(result.status, `${result.id} under ${violation}: ${result.message}`).toBe('fail');
        expect(result.message).toMatch(fails[result.id]!);
      }
      expect(report.results).toHaveLength(Object.keys(fails).length);
    } finally {
      await site.stop();
    }
  });

  it('covers every check with at least one violation', () => {
    const covered = new Set(CASES.flatMap((c) => Object.keys(c.fails)));
    expect(ALL_CHECKS.map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
