// Round trips of every MP message, plus the checks a site or client relies on (policy URLs, SMSID,
// hex validation, typed errors on hostile XML).
import { describe, expect, it } from 'vitest';
import {
  buildClientRegistrationData,
  buildClientRegistrationReply,
  buildClientRegistrationRequest,
  buildContentLocationReply,
  buildContentLocationRequest,
  buildDeploymentPolicy,
  buildMpKeyInformation,
  buildMpList,
  buildReplyAssignments,
  buildRequestAssignments,
  buildSumSettingsPolicy,
  buildUpdateSourcePolicy,
  buildWsusLocationReply,
  buildWsusLocationRequest,
  CALG_SHA_256,
  type ClientRegistrationRequest,
  type ContentLocationReply,
  type ContentLocationRequest,
  decodePolicyBody,
  type DeploymentPolicy,
  encodePolicyBody,
  endpointFromTarget,
  MpEndpoint,
  MpProtocolError,
  mpAutQueryOf,
  parseClientRegistrationReply,
  parseClientRegistrationRequest,
  parseContentLocationReply,
  parseContentLocationRequest,
  parseMpKeyInformation,
  parseMpList,
  parsePolicyBody,
  parsePolicyQuery,
  parseReplyAssignments,
  parseRequestAssignments,
  parseWsusLocationReply,
  parseWsusLocationRequest,
  policyLocationUrl,
  type ReplyAssignments,
  type RequestAssignments,
  resolvePolicyLocation,
  targetAddressFor,
} from '../../protocol/mp/index.ts';
import { XmlError } from '../../protocol/xml.ts';

const LOCATION = {
  adSite: 'Default-First-Site-Name',
  forest: 'contoso.com',
  domain: 'contoso.com',
  ipAddresses: [{ subnetAddress: '10.0.0.0', address: '10.0.0.7' }],
};

describe('discovery documents', () => {
  it('MPLIST round-trips several MPs', () => {
    const list = {
      mps: [
        { name: 'MP1', fqdn: 'mp1.contoso.com', siteCode: 'PS1', version: 9128 },
        { name: 'MP2', fqdn: 'mp2.contoso.com', siteCode: 'PS1', version: 9128 },
      ],
    };
    expect(parseMpList(buildMpList(list))).toEqual(list);
    expect(parseMpList('<MPList/>')).toEqual({ mps: [] });
  });

  it('MPKEYINFORMATION round-trips extra key elements and refuses bad names', () => {
    const info = {
      fqdn: 'mp.contoso.com',
      siteCode: 'PS1',
      keys: { SIGNINGCERT: 'ABCD', ENCRYPTIONCERT: 'EF01' },
    };
    expect(parseMpKeyInformation(buildMpKeyInformation(info))).toEqual(info);
    expect(() => buildMpKeyInformation({ ...info, keys: { 'a b': 'x' } })).toThrow(MpProtocolError);
    expect(() => parseMpKeyInformation('<MPKEYINFORMATION><FQDN>x</FQDN></MPKEYINFORMATION>')).toThrow(
      MpProtocolError,
    );
  });

  it('endpoint helpers map queries and target addresses', () => {
    expect(mpAutQueryOf('?mplist')).toBe('MPLIST');
    expect(mpAutQueryOf('MPLIST2&PS1')).toBe('MPLIST');
    expect(mpAutQueryOf('MPKEYINFORMATION')).toBe('MPKEYINFORMATION');
    expect(mpAutQueryOf('SITESIGNCERT')).toBeUndefined();
    expect(targetAddressFor(MpEndpoint.LocationManager)).toBe('mp:[http]MP_LocationManager');
    expect(endpointFromTarget('mp:[http]MP_LocationManager')).toBe('MP_LocationManager');
    expect(endpointFromTarget(targetAddressFor(MpEndpoint.Relay))).toBe('MP_RelayEndpoint');
    expect(endpointFromTarget('mp:MP_ClientRegistration')).toBe('MP_ClientRegistration');
    expect(endpointFromTarget('mp:MP_Unknown')).toBeUndefined();
  });
});

describe('registration', () => {
  const req: ClientRegistrationRequest = {
    hashAlgorithm: '1.2.840.113549.1.1.11',
    smsId: '',
    requestType: 'Registration',
    timeStamp: '2024-05-01T10:00:00Z',
    agent: { identity: 'CCMSetup.exe', version: '5.00.9128.1000', type: 0 },
    certificates: { encryption: '308201AA', signing: '308201BB' },
    netbiosName: 'CLIENT0001',
    fqName: 'client0001.contoso.com',
    localeId: 1033,
    internetFlag: false,
    otherProperties: { 'Client Type': '1' },
    signatureValue: 'A1B2',
  };

  it('round-trips the request; the signed Data element is a prefix-free part of it', () => {
    const xml = buildClientRegistrationRequest(req);
    expect(parseClientRegistrationRequest(xml)).toEqual(req);
    expect(xml).toContain(buildClientRegistrationData(req));
    expect(
      xml.endsWith(
        '<Signature><SignatureValue>A1B2</SignatureValue></Signature></ClientRegistrationRequest>',
      ),
    ).toBe(true);
  });

  it('upper-cases hex and refuses non-hex certificates and signatures', () => {
    expect(
      parseClientRegistrationRequest(buildClientRegistrationRequest({ ...req, signatureValue: 'abcd' }))
        .signatureValue,
    ).toBe('ABCD');
    expect(() =>
      buildClientRegistrationRequest({ ...req, certificates: { encryption: 'XYZ', signing: '' } }),
    ).toThrow(MpProtocolError);
    const bad = buildClientRegistrationRequest(req).replace('308201AA', 'NOTHEX!!');
    try {
      parseClientRegistrationRequest(bad);
      expect.unreachable();
    } catch (err) {
      expect((err as MpProtocolError).kind).toBe('encoding');
    }
  });

  it('the reply carries SMSID="GUID:…" and a status', () => {
    const reply = {
      smsId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
      status: 0 as const,
      responseType: 'Registration',
    };
    const xml = buildClientRegistrationReply(reply);
    expect(xml).toContain('SMSID="GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514"');
    expect(parseClientRegistrationReply(xml)).toEqual(reply);
    // The shape tools validated against real MPs (sccmhunter's test double).
    expect(
      parseClientRegistrationReply(
        '<ClientRegistrationResponse ResponseType="Confirmation" SMSID="GUID:X" Status="1" PreAuthToken="t" />',
      ),
    ).toEqual({ smsId: 'GUID:X', status: 1, responseType: 'Confirmation' });
    expect(() => parseClientRegistrationReply('<ClientRegistrationResponse Status="7"/>')).toThrow(
      MpProtocolError,
    );
  });
});

describe('policy assignments', () => {
  const req: RequestAssignments = {
    clientId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
    fqdn: 'client0001.contoso.com',
    netbiosName: 'CLIENT0001',
    siteCode: 'PS1',
    resourceType: 'Machine',
    requestType: 'Always',
    ack: false,
    serverCookie: 'cookie-17',
  };
  const hash = 'ab'.repeat(32);
  const reply: ReplyAssignments = {
    siteCode: 'PS1',
    resourceType: 'Machine',
    serverCookie: 'cookie-18',
    assignments: [
      {
        policyAssignmentId: '{11111111-0000-0000-0000-000000000001}',
        policyId: '{11111111-0000-0000-0000-000000000002}',
        policyVersion: '7',
        policyType: 'Machine',
        policyCategory: 'UpdateSource',
        policyFlags: 0,
        policyLocation: policyLocationUrl('{11111111-0000-0000-0000-000000000002}', hash),
        policyHash: `SHA256:${hash.toUpperCase()}`,
      },
      {
        policyAssignmentId: 'PS120001-PS100003-6F6BCC28',
        policyId: 'PS120001-PS100003-6F6BCC28',
        policyVersion: '1',
        policyType: 'Machine',
        policyCategory: 'SoftwareUpdates',
        policyFlags: 0,
        policyLocation: 'http://<mp>/SMS_MP/.sms_pol?PS120001-PS100003-6F6BCC28.1_00',
      },
    ],
  };

  it('round-trips request and reply', () => {
    expect(parseRequestAssignments(buildRequestAssignments(req))).toEqual(req);
    expect(parseReplyAssignments(buildReplyAssignments(reply))).toEqual(reply);
  });

  it('writes PolicyLocation as CDATA with the <mp> placeholder', () => {
    const xml = buildReplyAssignments(reply);
    expect(xml).toContain(
      `<PolicyLocation PolicyHash="SHA256:${hash.toUpperCase()}"><![CDATA[http://<mp>/SMS_MP/.sms_pol?{11111111-0000-0000-0000-000000000002}.SHA256:${hash.toUpperCase()}]]></PolicyLocation>`,
    );
  });

  it('policy URL helpers resolve the placeholder and read both query forms', () => {
    const url = reply.assignments[0]!.policyLocation;
    const resolved = resolvePolicyLocation(url, 'http://127.0.0.1:8081/');
    expect(resolved.startsWith('http://127.0.0.1:8081/SMS_MP/.sms_pol?')).toBe(true);
    expect(parsePolicyQuery(new URL(resolved).search)).toEqual({
      policyId: '{11111111-0000-0000-0000-000000000002}',
      sha256: hash.toUpperCase(),
    });
    expect(parsePolicyQuery('MEH20009-MEH0000A-6F6BCC28.15_00')).toEqual({
      policyId: 'MEH20009-MEH0000A-6F6BCC28',
      version: '15',
    });
    expect(parsePolicyQuery('garbage')).toBeUndefined();
  });

  it('reads assignments inside a PolicyAssignments wrapper and refuses one without location', () => {
    const wrapped =
      '<ReplyAssignments><PolicyAssignments><PolicyAssignment><Policy PolicyID="A"><PolicyLocation>http://&lt;mp&gt;/x</PolicyLocation></Policy></PolicyAssignment></PolicyAssignments></ReplyAssignments>';
    expect(parseReplyAssignments(wrapped).assignments[0]).toMatchObject({
      policyId: 'A',
      policyLocation: 'http://<mp>/x',
    });
    expect(() =>
      parseReplyAssignments(
        '<ReplyAssignments><PolicyAssignment><Policy PolicyID="A"/></PolicyAssignment></ReplyAssignments>',
      ),
    ).toThrow(MpProtocolError);
    expect(() => parseRequestAssignments('<RequestAssignments/>')).toThrow(MpProtocolError);
  });
});

describe('policy bodies', () => {
  const meta = { policyId: '{P1}', policyVersion: '3', policySource: 'SMS:PS1' };

  it('SUM settings round-trip (agent enabled, 7-day scan, 120 min random delay)', () => {
    const policy = {
      enabled: true,
      scanScheduleDays: 7,
      evaluationScheduleDays: 7,
      maxRandomDelayMinutes: 120,
    };
    const xml = buildSumSettingsPolicy(meta, policy);
    expect(xml).toContain(
      '<PolicyAction PolicyActionType="WMI-XML"><instance class="CCM_SoftwareUpdatesClientConfig">',
    );
    expect(parsePolicyBody(xml)).toEqual({ kind: 'sum-settings', meta, policy });
    expect(
      parsePolicyBody(buildSumSettingsPolicy(meta, { ...policy, enabled: false, scanScheduleDays: 1 }))
        .policy,
    ).toMatchObject({
      enabled: false,
      scanScheduleDays: 1,
    });
  });

  it('UpdateSource round-trips with one or several SUP URLs', () => {
    for (const supUrls of [['http://sup.contoso.com:8530'], ['http://sup1:8530', 'https://sup2:8531']]) {
      const policy = {
        updateSourceId: '{A0C1D2E3-0000-4000-8000-000000000001}',
        contentVersion: 38,
        supUrls,
      };
      expect(parsePolicyBody(buildUpdateSourcePolicy(meta, policy))).toEqual({
        kind: 'update-source',
        meta,
        policy,
      });
    }
  });

  it('deployments round-trip: required with deadline, available without', () => {
    const required: DeploymentPolicy = {
      assignmentId: '{16777220}',
      assignmentName: 'Patch Tuesday 2024-05',
      updateIds: ['a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe', '505fda07-b4f3-45fb-83d9-8642554e2773'],
      kind: 'required',
      startTime: Date.UTC(2024, 4, 14, 17, 0, 0),
      deadline: Date.UTC(2024, 4, 21, 17, 0, 0),
    };
    const available: DeploymentPolicy = {
      ...required,
      assignmentId: '{16777221}',
      kind: 'available',
      updateIds: [],
    };
    delete available.deadline;
    expect(parsePolicyBody(buildDeploymentPolicy(meta, required))).toEqual({
      kind: 'deployment',
      meta,
      policy: required,
    });
    expect(parsePolicyBody(buildDeploymentPolicy(meta, available))).toEqual({
      kind: 'deployment',
      meta,
      policy: available,
    });
  });

  // Deployment content (DeploymentPolicy.contents): what the client asks the MP's location manager for.
  const WITH_CONTENT: DeploymentPolicy = {
    assignmentId: '{16777222}',
    assignmentName: 'Patch Tuesday & co <2024-06>',
    updateIds: ['a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe', '505fda07-b4f3-45fb-83d9-8642554e2773'],
    kind: 'required',
    startTime: Date.UTC(2024, 5, 11, 17, 0, 0),
    deadline: Date.UTC(2024, 5, 18, 17, 0, 0),
    contents: [
      {
        updateId: 'a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe',
        contentId: 'fbb5724a-aa0f-47f9-908a-47068fd8ad6f',
        fileName: 'windows10.0-kb5039212-x64.cab',
        size: 805_071,
        sha1: '0123456789ABCDEF0123456789ABCDEF01234567',
      },
      {
        updateId: 'a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe',
        contentId: '1c0e1d4e-2f51-4bd5-9a54-3c6f9a1e2b77',
        fileName: 'windows10.0-kb5039212-x64 "ndp" & <sdk>.psf',
        size: 6_000_000_000,
        sha1: 'FEDCBA9876543210FEDCBA9876543210FEDCBA98',
      },
      {
        updateId: '505fda07-b4f3-45fb-83d9-8642554e2773',
        contentId: '6d3b3b0a-8b5c-4bde-8a55-0d2f0c1f2e10',
        fileName: 'msrt-x64.exe',
        size: 199_093,
        sha1: 'AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD',
      },
    ],
  };

  it('deployment content round-trips: one CCM_UpdateCIContent instance per CI, SDM Content/FileContent', () => {
    const xml = buildDeploymentPolicy(meta, WITH_CONTENT);
    expect(xml.match(/<instance class="CCM_UpdateCIContent">/g)).toHaveLength(2);
    expect(xml).toContain('<value>SUM_a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe</value>');
    // The SDM elements travel as escaped XML text in a string array property, like AssignedCIs.
    expect(xml).toContain(
      '<property name="Contents" type="8" array="true"><value>&lt;Content ContentId=&quot;fbb5724a-aa0f-47f9-908a-47068fd8ad6f&quot; Version=&quot;1&quot;&gt;&lt;FileContent Name=&quot;windows10.0-kb5039212-x64.cab&quot; Hash=&quot;0123456789ABCDEF0123456789ABCDEF01234567&quot; HashAlgorithm=&quot;SHA1&quot; Size=&quot;805071&quot;/&gt;&lt;/Content&gt;</value>',
    );
    const parsed = parsePolicyBody(decodePolicyBody(encodePolicyBody(xml)));
    expect(parsed).toEqual({ kind: 'deployment', meta, policy: WITH_CONTENT });
    // A body without content instances parses without the field (older sites, other servers).
    const { contents: _c, ...bare } = WITH_CONTENT;
    expect(parsePolicyBody(buildDeploymentPolicy(meta, bare)).policy).not.toHaveProperty('contents');
  });

  it('deployment content: lower-case hashes come back upper case; bad hash, size or algorithm are typed errors', () => {
    const lower = buildDeploymentPolicy(meta, {
      ...WITH_CONTENT,
      contents: [{ ...WITH_CONTENT.contents![2]!, sha1: 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd' }],
    });
    const parsed = parsePolicyBody(lower);
    expect(parsed.kind === 'deployment' && parsed.policy.contents?.[0]?.sha1).toBe(
      'AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD',
    );
    const good = buildDeploymentPolicy(meta, WITH_CONTENT);
    const broken = [
      good.replace('Hash=&quot;0123456789ABCDEF0123456789ABCDEF01234567', 'Hash=&quot;XYZ'),
      good.replace('Size=&quot;805071', 'Size=&quot;big'),
      good.replace(
        'HashAlgorithm=&quot;SHA1&quot; Size=&quot;805071',
        'HashAlgorithm=&quot;MD5&quot; Size=&quot;805071',
      ),
      good.replace('ContentId=&quot;fbb5724a-aa0f-47f9-908a-47068fd8ad6f&quot; ', ''),
    ];
    for (const xml of broken) {
      expect(xml).not.toBe(good);
      expect(() => parsePolicyBody(xml)).toThrow(MpProtocolError);
    }
  });

  it('bodies travel as UTF-16 with BOM and decode either way', () => {
    const xml = buildUpdateSourcePolicy(meta, {
      updateSourceId: '{U}',
      contentVersion: 1,
      supUrls: ['http://s:8530'],
    });
    const bytes = encodePolicyBody(xml);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    expect(decodePolicyBody(bytes)).toBe(xml);
    expect(decodePolicyBody(new TextEncoder().encode(xml))).toBe(xml);
  });

  it('refuses a policy with no software-updates instance or a broken one', () => {
    expect(() =>
      parsePolicyBody(
        '<Policy PolicyID="x"><PolicyRule><PolicyAction><instance class="Other"/></PolicyAction></PolicyRule></Policy>',
      ),
    ).toThrow(MpProtocolError);
    const broken = buildUpdateSourcePolicy(meta, {
      updateSourceId: '{U}',
      contentVersion: 1,
      supUrls: [],
    }).replace('ContentVersion', 'Renamed');
    expect(() => parsePolicyBody(broken)).toThrow(MpProtocolError);
  });
});

describe('location', () => {
  it('WSUS location request and reply round-trip', () => {
    const req = {
      updateSourceId: '{U}',
      contentVersion: 38,
      siteCode: 'PS1',
      location: { ...LOCATION, onInternet: false },
    };
    expect(parseWsusLocationRequest(buildWsusLocationRequest(req))).toEqual(req);
    const reply = {
      siteCode: 'PS1',
      records: [
        { wsusUrl: 'http://sup1.contoso.com:8530', serverName: 'sup1.contoso.com', version: 38 },
        { wsusUrl: 'https://sup1.contoso.com:8531', serverName: 'sup1.contoso.com', version: 38 },
      ],
    };
    expect(parseWsusLocationReply(buildWsusLocationReply(reply))).toEqual(reply);
    expect(parseWsusLocationReply(buildWsusLocationReply({ siteCode: 'PS1', records: [] }))).toEqual({
      siteCode: 'PS1',
      records: [],
    });
    expect(() =>
      parseWsusLocationReply(
        buildWsusLocationReply({ ...reply, records: [{ ...reply.records[0]!, wsusUrl: 'sup1' }] }),
      ),
    ).toThrow(MpProtocolError);
  });

  it('content location request and reply round-trip', () => {
    const req: ContentLocationRequest = {
      contentId: 'fbb5724a-aa0f-47f9-908a-47068fd8ad6f',
      version: 1,
      siteCode: 'PS1',
      locationType: 'SMSUpdate',
      allowHttp: true,
      allowSmb: false,
      location: LOCATION,
    };
    const xml = buildContentLocationRequest(req);
    expect(xml).toContain('<Package ID="UID:fbb5724a-aa0f-47f9-908a-47068fd8ad6f" Version="1"/>');
    expect(parseContentLocationRequest(xml)).toEqual(req);
    const reply: ContentLocationReply = {
      siteCode: 'PS1',
      records: [
        {
          url: 'http://dp1.contoso.com/SMS_DP_SMSPKG$/fbb5724a-aa0f-47f9-908a-47068fd8ad6f',
          signature: 'http://dp1.contoso.com/SMS_DP_SMSSIG$/fbb5724a-aa0f-47f9-908a-47068fd8ad6f.1.tar',
          serverRemoteName: 'dp1.contoso.com',
          dpType: 'SERVER',
          locality: 'LOCAL',
          version: 9128,
        },
      ],
      contentHashes: [{ algorithm: CALG_SHA_256, value: 'AB'.repeat(32) }],
    };
    expect(parseContentLocationReply(buildContentLocationReply(reply))).toEqual(reply);
  });
});

describe('hostile XML bodies', () => {
  const parsers = [
    parseMpList,
    parseMpKeyInformation,
    parseClientRegistrationRequest,
    parseClientRegistrationReply,
    parseRequestAssignments,
    parseReplyAssignments,
    parsePolicyBody,
    parseWsusLocationRequest,
    parseWsusLocationReply,
    parseContentLocationRequest,
    parseContentLocationReply,
  ];
  const inputs = [
    '<!DOCTYPE lolz [<!ENTITY lol "lol">]><MPList>&lol;</MPList>',
    '<unclosed',
    '',
    'plain text',
    '<Wrong/>',
    `<MPList>${'<MP>'.repeat(10)}`,
    'x'.repeat(17 * 1024 * 1024),
  ];

  it('every parser throws a typed error, never a TypeError', () => {
    for (const parse of parsers) {
      for (const input of inputs) {
        try {
          parse(input);
          expect.unreachable(`${parse.name} accepted ${input.slice(0, 30)}`);
        } catch (err) {
          expect(
            err instanceof MpProtocolError || err instanceof XmlError,
            `${parse.name}: ${(err as Error).message}`,
          ).toBe(true);
        }
      }
    }
  });
});
