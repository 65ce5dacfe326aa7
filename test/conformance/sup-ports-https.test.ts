// W-PORTS without --sup-https: a --sup on 8530 implies HTTPS on 8531 of the same host, and sup-ports
// checks it. The site here really listens on 127.0.0.1:8530/8531 (fixed ports: the only way to show
// the derivation), once trusted through its own CA and once through another site's CA, which must fail
// as a certificate not valid for the given CA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedSite } from '../../conformance/embedded-site.ts';
import { httpsOriginToCheck } from '../../conformance/checks/sup-ports.ts';
import { selectChecks } from '../../conformance/registry.ts';
import { runConformance } from '../../conformance/suite.ts';
import type { ConformanceTarget } from '../../conformance/target.ts';
import { startTestSite } from './fixtures.ts';

let standard: EmbeddedSite;
let other: EmbeddedSite;
beforeAll(async () => {
  standard = await startTestSite([], { supPorts: { http: 8530, https: 8531 } });
  other = await startTestSite();
});
afterAll(async () => {
  await standard?.stop();
  await other?.stop();
});

async function supPorts(trustedCa: EmbeddedSite) {
  const target: ConformanceTarget = {
    sup: standard.target.sup,
    mp: standard.target.mp,
    ca: trustedCa.target.ca,
    caFile: trustedCa.target.caFile,
    expectStandardPorts: true,
  };
  const report = await runConformance({ target, checks: selectChecks(['sup-ports']) });
  return report.results[0]!;
}

describe('sup-ports derives HTTPS from a --sup on 8530', () => {
  it('derives https://host:8531 only from port 8530, and never overrides --sup-https', () => {
    expect(httpsOriginToCheck(new URL('http://sup.contoso.com:8530'), undefined)).toEqual({
      url: new URL('https://sup.contoso.com:8531'),
      derived: true,
    });
    expect(httpsOriginToCheck(new URL('http://sup.contoso.com:8080'), undefined)).toBeUndefined();
    const given = new URL('https://sup.contoso.com:9443');
    expect(httpsOriginToCheck(new URL('http://sup.contoso.com:8530'), given)).toEqual({
      url: given,
      derived: false,
    });
  });

  it('checks the derived 8531 origin and passes when its certificate chains to --ca', async () => {
    expect(standard.target.sup!.port).toBe('8530');
    const result = await supPorts(standard);
    expect(result.status, result.message).toBe('pass');
    expect(result.details?.join('\n')).toContain(
      'SUP web services answer over HTTPS on https://127.0.0.1:8531 (derived from --sup on 8530',
    );
  });

  it('fails when the derived 8531 certificate is not valid for the given CA', async () => {
    const result = await supPorts(other);
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toMatch(
      /the SUP web services do not answer on https:\/\/127\.0\.0\.1:8531 \(derived from --sup on 8530.*\): TLS failed: the certificate is not valid for the given CA \(--ca\) and host/,
    );
  });
});
