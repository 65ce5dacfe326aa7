// Every check is only worth the violations it catches: for each named violation of the reference site,
// a fresh site breaks that one rule and the checks that enforce it must FAIL with a message an operator
// would recognise. Every check appears at least once.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, selectChecks } from '../../conformance/registry.ts';
import { runConformance } from '../../conformance/suite.ts';
import { startTestSite, TEST_SITE } from './fixtures.ts';

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
    // The MP advertises a "new" catalog on every poll: unforced scans go online inside the TTL, which
    // scan-ttl and forced-rescan must catch with their own assertions (not the shared set-up's).
    violation: 'catalog-version-churn',
    fails: {
      'scan-ttl':
        /the SUP counted [1-9]\d* requests around a non-forced scan 12 h after the last online scan, expected none inside the 24 h TTL.*non-forced scans went online \(reasons: catalog ×\d+.*\) inside the 24 h TTL of the first online scan/,
      'forced-rescan':
        /non-forced scans went online \(reasons: [^)]*catalog ×\d+[^)]*\) within 24 h of the forced scan.*the TTL the forced scan reset was not honoured.*the SUP counted [1-9]\d* requests while the client should have scanned only offline/,
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
    violation: 'skip-page',
    fails: {
      // One page of the test site is TEST_SITE.syncPageSize updates.
      'wsus-paging': new RegExp(
        `the cold scan delivered \\d+ of the \\d+ updates the site has in scope \\(GET /api/catalog\\): ${TEST_SITE.syncPageSize} never arrived, yet the last page said nothing more was coming`,
      ),
    },
  },
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
      'state-messages':
        /the MP answered 200 to all 12 reports \(120 messages\), but the observer counts 120 accepted and \d+ processed \(GET \/api\/backlog\), expected 120 of each.*never reached compliance.*loses state messages/,
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
    fails: {
      'state-backlog':
        /refused state messages while backlogged.*HTTP 503 without a usable Retry-After at backlog depth/,
    },
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
    violation: 'truncated-false-early',
    fails: {
      'wsus-paging':
        /page \d+ \(\d+ NewUpdates\) said Truncated=false .*yet one more SyncUpdates brought \d+ more.*a client paging as WUA does stops at that page/,
    },
  },
  {
    // GetConfig advertises nothing to authorize with: the handshake fails once, naming it.
    violation: 'no-auth-plugin',
    fails: { 'sup-handshake': /cannot authorize: GetConfig lists no AuthInfo plug-in/ },
  },
  {
    violation: 'registration-not-advertised',
    fails: {
      'wsus-config':
        /IsRegistrationRequired=false, yet SyncUpdates answers RegistrationRequired to a client that did not register/,
    },
  },
  {
    violation: 'no-simpleauth-service',
    fails: {
      'sup-handshake':
        /fails at GetAuthorizationCookie \(AuthInfo SimpleTargeting at http:\/\/127\.0\.0\.1:\d+\/SimpleAuthWebService\/SimpleAuth\.asmx\).*HTTP 404/,
    },
  },
  {
    violation: 'no-out-of-scope',
    fails: {
      'wsus-out-of-scope':
        /did not name \d+ \(expired\), \d+ \(declined\), \d+ \(superseded\) in OutOfScopeRevisionIDs/,
    },
  },
  {
    violation: 'extended-drops-revision',
    fails: { 'wsus-extended-info': /requested revisions were neither answered nor named out of scope/ },
  },
  {
    violation: 'file-location-digest-mismatch',
    fails: {
      'wsus-extended-info':
        /files have no FileLocation under their digest: .* of revision \d+ .*FileLocations match no file digest: .* is listed under .*, the SHA-256 of .* not its SHA-1 digest/,
    },
  },
  {
    violation: 'https-getconfig-only',
    fails: {
      'sup-https-scan':
        /over HTTPS \(https:\/\/127\.0\.0\.1:\d+\) the handshake after GetConfig .* fails: .*HTTP 500.*GetConfig works there/,
    },
  },
  {
    violation: 'location-no-https',
    fails: {
      'mp-replies': /WSUS location reply lists only http:\/\/.* although the SUP answers HTTPS on https:/,
    },
  },
  {
    violation: 'wrong-correlation-id',
    fails: { 'mp-replies': /CorrelationID \{[0-9A-F-]+\} is not the request's message ID/ },
  },
  {
    violation: 'corrupt-compressed-reply',
    fails: {
      'mp-replies':
        /compressed payload fails its zlib checksum \(Adler-32 declared [0-9a-f]{8}, the data inflates to [0-9a-f]{8}\): the MP sent corrupt data/,
    },
  },
  {
    violation: 'cookie-expiration-local-time',
    fails: {
      'wsus-cookie-expiry':
        /Expiration .* \(written without a zone: read as UTC, W-TIME\) is 420 min in the past when issued/,
    },
  },
  {
    violation: 'cookie-expiration-ahead',
    fails: {
      'wsus-cookie-expiry':
        /1 min before the Expiration it announced, the SUP answered CookieExpired .*really expires earlier than its Expiration says/,
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

  it('reports a broken handshake once and the checks that depend on it as blocked', async () => {
    const site = await startTestSite(['no-simpleauth-service']);
    try {
      const report = await runConformance({ target: site.target, checks: ALL_CHECKS });
      const failed = report.results.filter((r) => r.status === 'fail').map((r) => r.id);
      const blocked = report.results.filter((r) => r.status === 'blocked');
      expect(failed).toEqual(['sup-handshake']);
      for (const check of ALL_CHECKS.filter((c) => c.dependsOn?.includes('sup-handshake'))) {
        const r = report.results.find((x) => x.id === check.id)!;
        expect(r.status, `${r.id}: ${r.message}`).toBe('blocked');
        expect(r.message).toMatch(
          /^blocked by sup-handshake: the SUP handshake fails at GetAuthorizationCookie/,
        );
      }
      expect(report.counts.blocked).toBe(blocked.length);
      // MP-only checks do not depend on the SUP and still run.
      expect(report.results.find((r) => r.id === 'state-messages')!.status).toBe('pass');
    } finally {
      await site.stop();
    }
  });

  it('covers every check with at least one violation', () => {
    const covered = new Set(CASES.flatMap((c) => Object.keys(c.fails)));
    expect(ALL_CHECKS.map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
