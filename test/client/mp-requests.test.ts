// The client's RequestAssignments comes from a template cut from buildRequestAssignments: it must be the
// builder's text for any value (escaped characters, empty values) and any site.
import { describe, expect, it } from 'vitest';
import { assignmentsBody, type MpTarget } from '../../harness/client/mp-requests.ts';
import { buildRequestAssignments, parseRequestAssignments } from '../../protocol/mp/index.ts';

const mp = (siteCode: string): MpTarget => ({ origin: 'http://mp', host: 'mp', siteCode, compress: true });

describe('assignmentsBody', () => {
  it("writes buildRequestAssignments' text", () => {
    const values = [
      ['GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514', 'PSW000001', 'psw000001.contoso.test'],
      ['GUID:<&>', 'PC\'1"', 'a&b.example'],
      ['', 'PSW2', 'psw2.contoso.test'],
      ['GUID:1', '', ''],
    ] as const;
    for (const site of ['PS1', 'A&B', 'PS1']) {
      for (const [clientId, netbiosName, fqdn] of values) {
        const expected = buildRequestAssignments({
          clientId,
          fqdn,
          netbiosName,
          siteCode: site,
          resourceType: 'Machine',
          requestType: 'Always',
          ack: false,
        });
        expect(assignmentsBody(mp(site), clientId, netbiosName, fqdn)).toBe(expected);
      }
    }
    expect(parseRequestAssignments(assignmentsBody(mp('PS1'), 'GUID:<&>', 'PC1', 'pc1.x'))).toMatchObject({
      clientId: 'GUID:<&>',
      netbiosName: 'PC1',
      fqdn: 'pc1.x',
      siteCode: 'PS1',
    });
  });
});
