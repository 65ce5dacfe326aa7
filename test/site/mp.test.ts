// The MP front-end in process: every operation through handle(), built with the same protocol codecs a
// client uses, plus the bad input a real MP meets and each MP-side violation.
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildCcmPost,
  buildContentLocationRequest,
  buildRequestAssignments,
  buildStateMessageReport,
  buildWsusLocationRequest,
  CCM_CONTENT_TYPE,
  CCM_REQUEST_PATH,
  decodePolicyBody,
  type MpEndpoint,
  MpEndpoint as Endpoints,
  parseCcmPost,
  parseClientRegistrationReply,
  parseContentLocationReply,
  parseMpKeyInformation,
  parseMpList,
  parsePolicyBody,
  parseReplyAssignments,
  parseWsusLocationReply,
  resolvePolicyLocation,
  targetAddressFor,
} from '../../protocol/mp/index.ts';
import { generateCatalog } from '../../site/catalog/generate.ts';
import { SiteClock } from '../../site/clock.ts';
import { DeploymentStore } from '../../site/deployments.ts';
import { createMpFrontEnd, type MpFrontEnd } from '../../site/mp/index.ts';
import type { SiteConfig, SiteModel, ViolationName } from '../../site/model.ts';
import type { SiteReply, SiteRequest } from '../../site/types.ts';

const T0 = Date.UTC(2025, 0, 14, 18, 0, 0);
const ORIGIN = 'http://127.0.0.1:8080';
const SUP = { http: 'http://127.0.0.1:8530', https: 'https://127.0.0.1:8531' };
const LOCATION = {
  adSite: 'Lab',
  forest: 'lab.test',
  domain: 'lab.test',
  ipAddresses: [{ subnetAddress: '10.0.0.0', address: '10.0.0.5' }],
};
const catalogTemplate = () => generateCatalog({ seed: 7, now: T0, leafUpdates: 12 });

function model(violations: ViolationName[] = []): SiteModel {
  return {
    config: { siteCode: 'PS1', hostName: 'mp1.lab.test' } as SiteConfig,
    clock: new SiteClock({ mode: 'manual', start: T0 }),
    catalog: catalogTemplate(),
    deployments: new DeploymentStore(),
    violations: new Set(violations),
  };
}

const fronts: MpFrontEnd[] = [];
function mp(m: SiteModel, processor = {}): MpFrontEnd {
  const f = createMpFrontEnd(m, () => SUP, { processor });
  fronts.push(f);
  return f;
}
afterEach(() => {
  for (const f of fronts.splice(0)) f.stop();
});

function request(
  method: string,
  pathAndQuery: string,
  body = Buffer.alloc(0),
  contentType?: string,
): SiteRequest {
  return {
    method,
    url: new URL(pathAndQuery, ORIGIN),
    headers: contentType ? { 'content-type': contentType } : {},
    body,
    frontEnd: 'mp',
    secure: false,
    port: 8080,
  };
}

function ccm(endpoint: MpEndpoint, body: string, options: { compress?: boolean; replyZlib?: boolean } = {}) {
  const post = buildCcmPost({
    header: {
      id: '{11111111-2222-3333-4444-555555555555}',
      sourceId: 'GUID:AAAAAAAA-0000-4000-8000-000000000001',
      sourceHost: 'PC1',
      targetAddress: targetAddressFor(endpoint),
      targetEndpoint: endpoint,
      targetHost: 'mp1.lab.test',
      sentTime: '2025-01-14T18:00:00Z',
      replyCompression: options.replyZlib === false ? undefined : 'zlib',
    },
    body,
    compress: options.compress ?? true,
  });
  return request('CCM_POST', CCM_REQUEST_PATH, Buffer.from(post.body), post.contentType);
}

async function call(f: MpFrontEnd, req: SiteRequest): Promise<SiteReply> {
  return await f.handle(req);
}

function replyBody(reply: SiteReply): string {
  expect(reply.status).toBe(200);
  const parsed = parseCcmPost(String(reply.headers?.['content-type']), reply.body as Buffer);
  expect(parsed.header.correlationId).toBe('{11111111-2222-3333-4444-555555555555}');
  return parsed.body;
}

const REGISTRATION = `<ClientRegistrationRequest><Data HashAlgorithm="1.2.840.113549.1.1.11" SMSID="" RequestType="Registration" TimeStamp="2025-01-14T18:00:00Z"><AgentInformation AgentIdentity="CCMSetup.exe" AgentVersion="5.00.9128.1000" AgentType="0"/><Certificates><Encryption Encoding="HexBinary" KeyType="1">0A0B</Encryption><Signing Encoding="HexBinary" KeyType="1">0A0B</Signing></Certificates><DiscoveryProperties><Property Name="Netbios Name" Value="PC1"/><Property Name="FQ Name" Value="pc1.lab.test"/><Property Name="Locale ID" Value="1033"/><Property Name="InternetFlag" Value="0"/></DiscoveryProperties></Data><Signature><SignatureValue>00FF</SignatureValue></Signature></ClientRegistrationRequest>`;

const assignmentsBody = () =>
  buildRequestAssignments({
    clientId: 'GUID:AAAAAAAA-0000-4000-8000-000000000001',
    fqdn: 'pc1.lab.test',
    netbiosName: 'PC1',
    siteCode: 'PS1',
    resourceType: 'Machine',
    requestType: 'Always',
    ack: false,
  });

const wsusLocationBody = (updateSourceId: string, contentVersion: number) =>
  buildWsusLocationRequest({ updateSourceId, contentVersion, siteCode: 'PS1', location: LOCATION });

describe('anonymous documents', () => {
  it('answers MPLIST and MPKEYINFORMATION', async () => {
    const f = mp(model());
    const list = request('GET', '/SMS_MP/.sms_aut?MPLIST');
    expect(f.operationOf(list)).toBe('MPLIST');
    const mps = parseMpList(String((await call(f, list)).body)).mps;
    expect(mps).toEqual([{ name: 'MP1', fqdn: 'mp1.lab.test', siteCode: 'PS1', version: 9128 }]);
    const keys = request('GET', '/SMS_MP/.sms_aut?MPKEYINFORMATION');
    expect(f.operationOf(keys)).toBe('MPKEYINFORMATION');
    expect(parseMpKeyInformation(String((await call(f, keys)).body))).toMatchObject({
      fqdn: 'mp1.lab.test',
      siteCode: 'PS1',
    });
    const other = request('GET', '/SMS_MP/.sms_aut?SITESIGNCERT');
    expect(f.operationOf(other)).toBe('Unknown');
    expect((await call(f, other)).status).toBe(404);
  });
});

describe('registration', () => {
  it('issues a stable SMSID and makes the client known (Unknown for every update)', async () => {
    const m = model();
    const f = mp(m);
    const req = ccm(Endpoints.ClientRegistration, REGISTRATION);
    expect(f.operationOf(req)).toBe('Registration');
    const first = parseClientRegistrationReply(replyBody(await call(f, req)));
    expect(first.smsId).toMatch(/^GUID:[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-8[0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(first.status).toBe(0);
    const again = parseClientRegistrationReply(
      replyBody(await call(f, ccm(Endpoints.ClientRegistration, REGISTRATION))),
    );
    expect(again.smsId).toBe(first.smsId);
    const snap = f.snapshot();
    expect(snap).toMatchObject({ registrations: 1, registrationRequests: 2 });
    expect(snap.compliance.knownClients).toBe(1);
    const someUpdate = Object.keys(snap.compliance.perUpdate)[0]!;
    expect(snap.compliance.perUpdate[someUpdate]).toEqual({
      required: 0,
      notRequired: 0,
      installed: 0,
      unknown: 1,
    });
  });
});

describe('policy', () => {
  it('assigns SUM settings, UpdateSource at the catalog version and one policy per deployment', async () => {
    const m = model();
    const leaf = m.catalog.updates.find((u) => u.kind === 'leaf')!;
    const deployment = m.deployments.create(
      { updateIds: [leaf.updateId], kind: 'required', deadline: T0 + 86_400_000 },
      T0,
    );
    const f = mp(m);
    const req = ccm(Endpoints.PolicyManager, assignmentsBody());
    expect(f.operationOf(req)).toBe('PolicyAssignments');
    const reply = parseReplyAssignments(replyBody(await call(f, req)));
    expect(reply.assignments.map((a) => a.policyCategory)).toEqual([
      'Machine',
      'UpdateSource',
      'SoftwareUpdates',
    ]);

    const bodies = [];
    for (const a of reply.assignments) {
      const url = new URL(resolvePolicyLocation(a.policyLocation, ORIGIN));
      const get = request('GET', url.pathname + url.search);
      expect(f.operationOf(get)).toBe('PolicyBody');
      const res = await call(f, get);
      expect(res.status).toBe(200);
      bodies.push(parsePolicyBody(decodePolicyBody(res.body as Buffer)));
    }
    expect(bodies[0]).toMatchObject({ kind: 'sum-settings', policy: { enabled: true, scanScheduleDays: 7 } });
    expect(bodies[1]).toMatchObject({
      kind: 'update-source',
      policy: { contentVersion: m.catalog.version, supUrls: [SUP.http, SUP.https] },
    });
    expect(bodies[2]).toMatchObject({
      kind: 'deployment',
      policy: {
        assignmentId: deployment.id,
        updateIds: [leaf.updateId],
        kind: 'required',
        deadline: T0 + 86_400_000,
      },
    });

    // A publish bumps the UpdateSource version; the old body (old hash) is gone.
    const oldSource = reply.assignments[1]!;
    m.catalog.publish(2, T0 + 1_000);
    const after = parseReplyAssignments(
      replyBody(await call(f, ccm(Endpoints.PolicyManager, assignmentsBody()))),
    );
    expect(after.assignments[1]!.policyVersion).toBe(`${m.catalog.version}.00`);
    expect(m.catalog.version).toBe(2);
    const stale = new URL(resolvePolicyLocation(oldSource.policyLocation, ORIGIN));
    expect((await call(f, request('GET', stale.pathname + stale.search))).status).toBe(404);
  });

  it('deployment policy lists each deployed update’s content (a bundle: its leafs’ files) and the MP locates it', async () => {
    const m = model();
    const leaf = m.catalog.updates.find((u) => u.kind === 'leaf' && u.files.length > 0)!;
    const bundle = m.catalog.updates.find((u) => u.kind === 'bundle' && u.bundled.length > 0)!;
    const bundledFiles = bundle.bundled.flatMap((r) => m.catalog.byRevision(r)!.files);
    expect(bundledFiles.length).toBeGreaterThan(0);
    const category = m.catalog.updates.find((u) => u.kind === 'category')!;
    m.deployments.create(
      {
        updateIds: [
          leaf.updateId,
          bundle.updateId,
          category.updateId,
          '00000000-0000-0000-0000-0000000000ff',
        ],
        kind: 'required',
        deadline: T0 + 86_400_000,
      },
      T0,
    );
    const f = mp(m);
    const reply = parseReplyAssignments(
      replyBody(await call(f, ccm(Endpoints.PolicyManager, assignmentsBody()))),
    );
    const a = reply.assignments.find((x) => x.policyCategory === 'SoftwareUpdates')!;
    const url = new URL(resolvePolicyLocation(a.policyLocation, ORIGIN));
    const body = parsePolicyBody(
      decodePolicyBody((await call(f, request('GET', url.pathname + url.search))).body as Buffer),
    );
    if (body.kind !== 'deployment') throw new Error(`expected a deployment body, got ${body.kind}`);
    const entry = (updateId: string, file: (typeof leaf.files)[number]) => ({
      updateId,
      contentId: file.contentId,
      fileName: file.fileName,
      size: file.size,
      sha1: file.sha1.toString('hex').toUpperCase(),
    });
    // The category and the unknown id have no content; the leaf's files, then the bundle's leafs' files.
    expect(body.policy.contents).toEqual([
      ...leaf.files.map((file) => entry(leaf.updateId, file)),
      ...bundledFiles.map((file) => entry(bundle.updateId, file)),
    ]);
    // The content id of the policy is the one the location manager answers for, with the DP URL.
    const first = body.policy.contents![0]!;
    const loc = parseContentLocationReply(
      replyBody(
        await call(
          f,
          ccm(
            Endpoints.LocationManager,
            buildContentLocationRequest({
              contentId: first.contentId,
              version: 1,
              siteCode: 'PS1',
              locationType: 'SMSUpdate',
              allowHttp: true,
              allowSmb: false,
              location: LOCATION,
            }),
          ),
        ),
      ),
    );
    expect(loc.records.map((r) => r.url)).toEqual([`${ORIGIN}/SMS_DP_SMSPKG$/${first.contentId}`]);
  });

  it("'stale-catalog-version' keeps announcing the old version after a publish", async () => {
    const m = model(['stale-catalog-version']);
    const f = mp(m);
    m.catalog.publish(1, T0 + 1_000);
    const reply = parseReplyAssignments(
      replyBody(await call(f, ccm(Endpoints.PolicyManager, assignmentsBody()))),
    );
    expect(reply.assignments[1]!.policyVersion).toBe('1.00');
    const loc = parseWsusLocationReply(
      replyBody(await call(f, ccm(Endpoints.LocationManager, wsusLocationBody(m.catalog.updateSourceId, 1)))),
    );
    expect(loc.records.map((r) => r.version)).toEqual([1, 1]);
  });
});

describe('location', () => {
  it('lists the SUP URLs with their ports and the catalog version', async () => {
    const m = model();
    const f = mp(m);
    const req = ccm(Endpoints.LocationManager, wsusLocationBody(m.catalog.updateSourceId, 1));
    expect(f.operationOf(req)).toBe('WsusLocation');
    const reply = parseWsusLocationReply(replyBody(await call(f, req)));
    expect(reply).toEqual({
      siteCode: 'PS1',
      records: [
        { wsusUrl: SUP.http, serverName: '127.0.0.1', version: 1 },
        { wsusUrl: SUP.https, serverName: '127.0.0.1', version: 1 },
      ],
    });
  });

  it('answers empty when the client asks for a newer version than the site has', async () => {
    const m = model();
    const f = mp(m);
    const req = ccm(Endpoints.LocationManager, wsusLocationBody(m.catalog.updateSourceId, 5));
    expect(parseWsusLocationReply(replyBody(await call(f, req))).records).toEqual([]);
  });

  it("'location-wrong-ports' points clients at 80/443", async () => {
    const m = model(['location-wrong-ports']);
    const f = mp(m);
    const req = ccm(Endpoints.LocationManager, wsusLocationBody(m.catalog.updateSourceId, 1));
    const urls = parseWsusLocationReply(replyBody(await call(f, req))).records.map((r) => r.wsusUrl);
    expect(urls).toEqual(['http://127.0.0.1:80', 'https://127.0.0.1:443']);
  });

  it('locates content on the co-located DP, with the file hash', async () => {
    const m = model();
    const f = mp(m);
    const file = m.catalog.updates.find((u) => u.files.length > 0)!.files[0]!;
    const body = buildContentLocationRequest({
      contentId: file.contentId,
      version: 1,
      siteCode: 'PS1',
      locationType: 'SMSUpdate',
      allowHttp: true,
      allowSmb: false,
      location: LOCATION,
    });
    const req = ccm(Endpoints.LocationManager, body);
    expect(f.operationOf(req)).toBe('ContentLocation');
    const reply = parseContentLocationReply(replyBody(await call(f, req)));
    expect(reply.records.map((r) => r.url)).toEqual([`${ORIGIN}/SMS_DP_SMSPKG$/${file.contentId}`]);
    expect(reply.contentHashes[0]!.value).toBe(file.sha256.toString('hex').toUpperCase());
    const unknown = buildContentLocationRequest({
      contentId: '00000000-0000-0000-0000-00000000dead',
      version: 1,
      siteCode: 'PS1',
      locationType: 'SMSUpdate',
      allowHttp: true,
      allowSmb: false,
      location: LOCATION,
    });
    expect(
      parseContentLocationReply(replyBody(await call(f, ccm(Endpoints.LocationManager, unknown)))).records,
    ).toEqual([]);
  });
});

describe('state messages', () => {
  const report = (serial: number, count: number) =>
    buildStateMessageReport({
      clientId: 'GUID:AAAAAAAA-0000-4000-8000-000000000001',
      netbiosName: 'PC1',
      date: T0,
      messages: Array.from({ length: count }, (_, i) => ({
        serialNumber: serial + i,
        messageTime: T0,
        topicId: 'bbbbbbbb-0000-4000-8000-00000000000' + (i % 10),
        topicType: 500,
        topicIdType: 3,
        stateId: 2,
        params: [],
      })),
    });

  it('accepts a report with a bare 200 and queues it for the processor', async () => {
    const m = model();
    const f = mp(m);
    const req = ccm(Endpoints.Relay, report(1, 40));
    expect(f.operationOf(req)).toBe('StateMessage');
    const reply = await call(f, req);
    expect(reply.status).toBe(200);
    expect(reply.body ?? '').toHaveLength(0);
    expect(f.backlog()).toMatchObject({ depth: 40, accepted: 40, processed: 0 });
    m.clock.advance(60_000);
    expect(f.backlog()).toMatchObject({ depth: 0, processed: 40 });
    expect(f.compliance().perUpdate['bbbbbbbb-0000-4000-8000-000000000003']!.required).toBe(1);
  });

  it('keeps a report unparsed until processing: a corrupt one is accepted, then counted as corrupt', async () => {
    const m = model();
    const f = mp(m);
    const corrupt = report(1, 3).replace('SerialNumber="2"', 'SerialNumber="two"');
    expect((await call(f, ccm(Endpoints.Relay, corrupt))).status).toBe(200);
    expect((await call(f, ccm(Endpoints.Relay, report(4, 3)))).status).toBe(200);
    expect(f.backlog()).toMatchObject({ depth: 6, accepted: 6 });
    m.clock.advance(60_000);
    expect(f.backlog()).toMatchObject({ depth: 0, processed: 3, corruptReports: 1, corruptMessages: 3 });
    const notAReport = await call(f, ccm(Endpoints.Relay, '<Inventory/>'));
    expect(notAReport.status).toBe(500);
    expect(f.snapshot().refused['payload-not-a-report']).toBe(1);
  });

  it("answers 503 over the threshold only under 'reject-when-backlogged'", async () => {
    const strict = mp(model(['reject-when-backlogged']), { backlogRejectThreshold: 50 });
    const normal = mp(model(), { backlogRejectThreshold: 50 });
    const statuses = async (f: MpFrontEnd) => {
      const out = [];
      for (let i = 0; i < 3; i++)
        out.push((await call(f, ccm(Endpoints.Relay, report(1 + i * 40, 40)))).status);
      return out;
    };
    expect(await statuses(strict)).toEqual([200, 200, 503]);
    expect(await statuses(normal)).toEqual([200, 200, 200]);
  });
});

describe('bad input', () => {
  it('answers garbage like IIS would, counted by reason, never throwing', async () => {
    const f = mp(model());
    const garbage = request(
      'CCM_POST',
      CCM_REQUEST_PATH,
      Buffer.from('not multipart at all'),
      CCM_CONTENT_TYPE,
    );
    expect(f.operationOf(garbage)).toBe('Unknown');
    expect((await call(f, garbage)).status).toBe(400);

    // A well-framed message whose zlib part is not zlib.
    const good = ccm(Endpoints.PolicyManager, assignmentsBody());
    const text = good.body.toString('latin1');
    const at = text.indexOf('application/octet-stream\r\n\r\n') + 'application/octet-stream\r\n\r\n'.length;
    const broken = Buffer.from(good.body);
    broken.fill(0x41, at, at + 16);
    const badZlib = request('CCM_POST', CCM_REQUEST_PATH, broken, CCM_CONTENT_TYPE);
    expect((await call(f, badZlib)).status).toBe(400);
    // A payload with a lone surrogate is no UTF-16; one that is no XML document is garbage too.
    const loneSurrogate = ccm(Endpoints.PolicyManager, `${assignmentsBody()}\uD800`);
    expect((await call(f, loneSurrogate)).status).toBe(400);
    const notXml = ccm(Endpoints.PolicyManager, '<RequestAssignments><unclosed');
    expect((await call(f, notXml)).status).toBe(400);

    const unknown = ccm('MP_Nonexistent' as MpEndpoint, '<Foo/>');
    expect((await call(f, unknown)).status).toBe(404);
    const wrongShape = ccm(Endpoints.PolicyManager, '<NotAssignments/>');
    expect((await call(f, wrongShape)).status).toBe(500);
    expect((await call(f, request('GET', CCM_REQUEST_PATH))).status).toBe(405);
    expect((await call(f, request('GET', '/SMS_MP/.sms_pol?nonsense'))).status).toBe(404);
    expect(f.snapshot().refused).toMatchObject({
      multipart: 1,
      zlib: 1,
      encoding: 1,
      'payload-malformed': 1,
      'unknown-endpoint': 1,
      'payload-shape': 1,
      method: 1,
      'unknown-policy': 1,
    });
  });

  it('replies uncompressed when the client did not ask for zlib, and busy is a 503', async () => {
    const f = mp(model());
    const reply = await call(
      f,
      ccm(Endpoints.PolicyManager, assignmentsBody(), { compress: false, replyZlib: false }),
    );
    expect(parseCcmPost(String(reply.headers?.['content-type']), reply.body as Buffer).compressed).toBe(
      false,
    );
    expect(f.busyReply('PolicyAssignments').status).toBe(503);
  });
});
