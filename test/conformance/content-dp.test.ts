// The DP part of content-download: it follows a ConfigMgr client (register at the MP, deployment policy,
// content location, DP) when it can, says why when it cannot, and catches a DP that breaks D-DP even
// when the SUP's own /Content is fine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedSite } from '../../conformance/embedded-site.ts';
import { ObserverClient } from '../../conformance/observer-client.ts';
import { selectChecks } from '../../conformance/registry.ts';
import { runConformance } from '../../conformance/suite.ts';
import { HttpClient } from '../../harness/driver/http.ts';
import { startTestSite } from './fixtures.ts';

const CONTENT = selectChecks(['content-download']);

async function contentResult(target: EmbeddedSite['target']) {
  const report = await runConformance({ target, checks: CONTENT });
  expect(report.results).toHaveLength(1);
  return report.results[0]!;
}

describe('content-download, DP part', () => {
  let clean: EmbeddedSite;
  beforeAll(async () => {
    clean = await startTestSite();
  });
  afterAll(() => clean.stop());

  it('without an observer and without any deployment: passes on the SUP part, DP part skipped with the reason', async () => {
    const { observer: _none, ...noObserver } = clean.target;
    const result = await contentResult(noObserver);
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toMatch(
      /SUP's \/Content .*; DP part skipped: the probe client sees no software-update deployment and the target has no observer API to create one$/,
    );
    expect(result.details!.some((l) => l.startsWith('DP: HEAD'))).toBe(false);
  });

  it('without an MP: DP part skipped, saying the DP comes from the MP', async () => {
    const { sup, supHttps, ca, caFile } = clean.target;
    const result = await contentResult({ sup, supHttps, ca, caFile, expectStandardPorts: false });
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toContain(
      "DP part skipped: no --mp URL was given (a client learns the DP from the MP's content location reply)",
    );
  });

  it('without an observer but with a deployment the probe client sees: runs the DP part from that policy', async () => {
    // An admin's deployment made beforehand (through the reference site's observer, which the check is not given).
    const http = new HttpClient({});
    try {
      const observer = new ObserverClient(clean.target.observer!, http);
      await observer.post('/api/deployments', {
        count: 2,
        kind: 'required',
        deadlineHours: 48,
        name: 'admin',
      });
    } finally {
      await http.close();
    }
    const { observer: _none, ...noObserver } = clean.target;
    const result = await contentResult(noObserver);
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toContain('the same holds on the DP for');
    const dp = result.details!.filter((l) => l.startsWith('DP: '));
    expect(dp.some((l) => /assigned 1 software-update deployment\(s\), 1 listing content/.test(l))).toBe(
      true,
    );
    expect(dp.some((l) => l.includes('created'))).toBe(false);
    expect(dp.some((l) => /\/SMS_DP_SMSPKG\$\/[0-9a-f-]{36} \(LOCAL\)$/.test(l))).toBe(true);
    expect(dp.some((l) => /^DP: Range bytes=\d+-\d+ → 206 with exactly those bytes/.test(l))).toBe(true);
    expect(dp).toContainEqual(expect.stringMatching(/^DP: the policy's SHA-1 is the SUP's metadata digest/));
  });

  // The site's violations break the SUP's /Content and the DP alike; pointing the check at a clean SUP
  // and a broken site's MP/DP (same seeded catalog) shows the DP part catches them on its own.
  it.each([
    [
      'ignore-range',
      /^DP: Range bytes=\d+-\d+ answered HTTP 200 with the whole file, expected 206 .*ignores Range/,
    ],
    [
      'wrong-content-hash',
      /^DP: the downloaded file hashes to SHA-1 [0-9A-F]{40}, the deployment policy \{[0-9A-F-]+\} says [0-9A-F]{40} \(clients discard it: wrong content hash\)$/,
    ],
  ])('fails on a DP under %s while the SUP is clean', async (violation, message) => {
    const broken = await startTestSite([violation]);
    try {
      const { mp, dp, observer } = broken.target;
      const result = await contentResult({ ...clean.target, mp, dp, observer });
      expect(result.status, result.message).toBe('fail');
      expect(result.message).not.toContain('SUP /Content:');
      expect(result.message).toMatch(message);
    } finally {
      await broken.stop();
    }
  });
});
