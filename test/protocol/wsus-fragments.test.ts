// Core and Extended fragments: the real ones (captures and wsus-m0-cbs) and the reference catalog's
// applicability convention, including pretty-printed fragments inside a pretty-printed envelope.
import { describe, expect, it } from 'vitest';
import {
  buildWsusResponse,
  parseCoreFragment,
  parseExtendedFragment,
  parseWsusResponse,
} from '../../protocol/wsus/index.ts';
import { loadExchanges, readCbs } from './wsus/captures.ts';

const exchanges = loadExchanges();
const syncReplies = exchanges.filter((x) => x.operation === 'SyncUpdates' && x.status === 200);

describe('parseCoreFragment on real data', () => {
  const infos = syncReplies.flatMap((x) => parseWsusResponse('SyncUpdates', x.responseBody).newUpdates);

  it('parses all 189 captured core fragments', () => {
    expect(infos).toHaveLength(189);
    const types = new Set(infos.map((u) => parseCoreFragment(u.xml).updateType));
    expect([...types].sort()).toEqual(['Category', 'Detectoid', 'Software']);
  });

  it('reads identity, AtLeastOne prerequisites and lower-cases GUIDs', () => {
    const scan7 = parseWsusResponse(
      'SyncUpdates',
      exchanges.find((x) => x.name === 'wsus-m0-native/scan/000007')!.responseBody,
    );
    expect(parseCoreFragment(scan7.newUpdates[0]!.xml)).toEqual({
      updateId: '6964aab4-c5b5-43bd-a17d-ffb4346a8e1d',
      revisionNumber: 100,
      updateType: 'Category',
      prerequisites: { all: [], atLeastOne: [['56309036-4c77-4dd9-951a-99ee9c246a94']] },
      bundledUpdates: [],
      supersededUpdates: [],
      applicableBuilds: [],
    });
  });

  it('reads bundled updates of the captured bundles', () => {
    const withBundled = infos.map((u) => parseCoreFragment(u.xml)).filter((b) => b.bundledUpdates.length > 0);
    expect(withBundled).toHaveLength(17);
    expect(withBundled.length).toBe(infos.filter((u) => u.xml.includes('<BundledUpdates>')).length);
    expect(withBundled.every((b) => b.bundledUpdates.every((id) => /^[0-9a-f-]{36}$/.test(id)))).toBe(true);
  });

  it('reads the CBS .NET rollup: three required prerequisites and one AtLeastOne group', () => {
    expect(parseCoreFragment(readCbs('cbs-dotnet-core-reduced.xml'))).toEqual({
      updateId: 'f1ff1e3d-dd47-4fcb-9405-8f7275ce1ea6',
      revisionNumber: 200,
      updateType: 'Software',
      prerequisites: {
        all: [
          '59653007-e2e9-4f71-8525-2ff588527978',
          'c57b3cff-f20d-4841-9970-cfc10d156057',
          '6161da88-c91b-4901-a0b4-4989d67c8e56',
        ],
        atLeastOne: [['72e7624a-5b00-45d2-b92f-e561c0a6a160']],
      },
      bundledUpdates: [],
      supersededUpdates: [],
      applicableBuilds: [],
    });
  });

  it('reads the rollup fix and OS installer fragments (DeviceAttribute rules, no build list)', () => {
    const rollup = parseCoreFragment(readCbs('cbs-rollupfix-core-reduced.xml'));
    expect(rollup.updateId).toBe('267dd2b4-f9fa-4bcd-bba7-1cb00e0e59d9');
    expect(rollup.prerequisites.all).toHaveLength(2);
    const installer = parseCoreFragment(readCbs('osinstaller-core.xml'));
    expect(installer).toMatchObject({
      updateId: 'f97b86e6-5c6c-4366-b948-b5426295a5a7',
      revisionNumber: 100,
    });
    expect(installer.prerequisites.atLeastOne).toEqual([
      ['72e7624a-5b00-45d2-b92f-e561c0a6a160'],
      ['0fa1201d-4330-4fa8-8ae9-b877473b6441'],
    ]);
    expect(installer.prerequisites.all).toEqual([
      'e657ef08-e43d-4326-aa4c-6fee197e8192',
      '03aa8476-15b7-4288-bf9b-286b31f99bd6',
    ]);
    expect(installer.applicableBuilds).toEqual([]);
  });
});

describe('applicability convention of the reference catalog', () => {
  const core = (rules: string) =>
    `<UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" RevisionNumber="200" /><Properties UpdateType="Software" /><ApplicabilityRules><IsInstalled><False /></IsInstalled><IsInstallable>${rules}</IsInstallable></ApplicabilityRules>`;

  it('one build', () => {
    expect(
      parseCoreFragment(core('<b.WindowsVersion Comparison="EqualTo" BuildNumber="22631" />'))
        .applicableBuilds,
    ).toEqual([22631]);
  });

  it('several builds as an Or', () => {
    const rules =
      '<Or><b.WindowsVersion Comparison="EqualTo" BuildNumber="19045" /><b.WindowsVersion Comparison="EqualTo" BuildNumber="22631" /><b.WindowsVersion Comparison="EqualTo" BuildNumber="26100" /></Or>';
    expect(parseCoreFragment(core(rules)).applicableBuilds).toEqual([19045, 22631, 26100]);
  });

  it('ignores negated builds, other comparisons and version rules without a build', () => {
    const rules =
      '<And><Not><b.WindowsVersion Comparison="EqualTo" BuildNumber="17763" /></Not><b.WindowsVersion Comparison="GreaterThanOrEqualTo" BuildNumber="19041" /><b.WindowsVersion Comparison="EqualTo" MajorVersion="10" /><Or><b.WindowsVersion Comparison="EqualTo" BuildNumber="22631" /></Or></And>';
    expect(parseCoreFragment(core(rules)).applicableBuilds).toEqual([22631]);
  });

  it('no IsInstallable rule means every build', () => {
    expect(
      parseCoreFragment(
        '<UpdateIdentity UpdateID="A" RevisionNumber="1" /><Properties UpdateType="Software" />',
      ).applicableBuilds,
    ).toEqual([]);
  });

  it('tolerates pretty-printed fragments', () => {
    const pretty = `
      <UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" RevisionNumber="200" />
      <Properties UpdateType="Software" />
      <Relationships>
        <Prerequisites>
          <UpdateIdentity UpdateID="AAAAAAAA-0000-0000-0000-000000000001" />
          <AtLeastOne>
            <UpdateIdentity UpdateID="aaaaaaaa-0000-0000-0000-000000000002" />
            <UpdateIdentity UpdateID="aaaaaaaa-0000-0000-0000-000000000003" />
          </AtLeastOne>
        </Prerequisites>
      </Relationships>
      <ApplicabilityRules>
        <IsInstallable>
          <Or>
            <b.WindowsVersion Comparison="EqualTo" BuildNumber="22631" />
            <b.WindowsVersion Comparison="EqualTo" BuildNumber="26100" />
          </Or>
        </IsInstallable>
      </ApplicabilityRules>
    `;
    expect(parseCoreFragment(pretty)).toMatchObject({
      prerequisites: {
        all: ['aaaaaaaa-0000-0000-0000-000000000001'],
        atLeastOne: [['aaaaaaaa-0000-0000-0000-000000000002', 'aaaaaaaa-0000-0000-0000-000000000003']],
      },
      applicableBuilds: [22631, 26100],
    });
  });
});

describe('pretty-printed envelopes with pretty-printed escaped fragments', () => {
  it('parse to the same model as the compact capture, fragments included', () => {
    const compact = exchanges.find((x) => x.name === 'wsus-m0-native/scan/000007')!.responseBody;
    const pretty = compact
      .replace(/></g, '>\n  <')
      .replace(/&gt;&lt;/g, '&gt;\n      &lt;')
      .replace('<Xml>', '<Xml>\n      ')
      .replace('</Xml>', '\n    </Xml>');
    expect(pretty).not.toBe(compact);
    const a = parseWsusResponse('SyncUpdates', compact);
    const b = parseWsusResponse('SyncUpdates', pretty);
    expect(b.newUpdates[0]!.xml).toContain('\n');
    expect({ ...b, newUpdates: [] }).toEqual({ ...a, newUpdates: [] });
    expect(parseCoreFragment(b.newUpdates[0]!.xml)).toEqual(parseCoreFragment(a.newUpdates[0]!.xml));
    expect({ ...b.newUpdates[0], xml: '' }).toEqual({ ...a.newUpdates[0], xml: '' });
  });

  it('build escapes the fragment and the parser gives back its exact text', () => {
    const xml =
      '<UpdateIdentity UpdateID="x" RevisionNumber="1" /><Properties UpdateType="Software" Title="a &amp; b" />';
    const res = parseWsusResponse(
      'SyncUpdates',
      exchanges.find((x) => x.name === 'wsus-m0-native/scan/000006')!.responseBody,
    );
    const rebuilt = buildWsusResponse({ ...res, newUpdates: [{ ...res.newUpdates[0]!, xml }] });
    expect(rebuilt).toContain('<Xml>&lt;UpdateIdentity UpdateID="x" RevisionNumber="1" /&gt;');
    expect(rebuilt).toContain('Title="a &amp;amp; b"');
    expect(parseWsusResponse('SyncUpdates', rebuilt).newUpdates[0]!.xml).toBe(xml);
  });
});

describe('parseExtendedFragment', () => {
  it('leaves sha256B64 out for files without an AdditionalDigest (older updates)', () => {
    const ext = parseExtendedFragment(
      '<ExtendedProperties /><Files><File Digest="AAAA" FileName="a.exe" Size="12" /></Files>',
    );
    expect(ext).toEqual({ files: [{ fileName: 'a.exe', digestSha1B64: 'AAAA', size: 12 }] });
  });

  it('reads the CBS file with SHA-1 and SHA-256 digests', () => {
    expect(parseExtendedFragment(readCbs('cbs-dotnet-extended.xml'))).toEqual({
      handler: 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Cbs',
      files: [
        {
          fileName: 'Windows11.0-KB5017029-x64-NDP481.cab',
          digestSha1B64: 'hlQslyYcRtWzeaQ+yJX5fq9Am6I=',
          sha256B64: 'QmjzWV4zq8fre2YVitOhlYyuaps+4ILVJu0kxm263rw=',
          size: 40121630,
        },
      ],
    });
  });

  it('reads the 14 OS installer files', () => {
    const ext = parseExtendedFragment(readCbs('osinstaller-extended.xml'));
    expect(ext.handler).toBe('http://schemas.microsoft.com/msus/2016/01/UpdateHandlers/OSInstaller');
    expect(ext.files).toHaveLength(14);
    expect(ext.files.every((f) => f.sha256B64 !== undefined && f.sha256B64.length === 44)).toBe(true);
    expect(ext.files[2]).toMatchObject({ size: 803483247, digestSha1B64: 'iPfxy+qZQEoXD7ZCW4irM3VakbU=' });
    expect(parseExtendedFragment(readCbs('cbs-rollupfix-extended.xml')).files).toHaveLength(1);
  });

  it("the captured Extended fragments declare exactly the digests of the reply's FileLocations", () => {
    const res = parseWsusResponse(
      'GetExtendedUpdateInfo',
      exchanges.find((x) => x.name === 'wsus-m0-native/flow/000015')!.responseBody,
    );
    const declared = res.updates
      .filter((u) => u.xml.startsWith('<ExtendedProperties'))
      .flatMap((u) => parseExtendedFragment(u.xml).files.map((f) => f.digestSha1B64));
    expect(new Set(declared)).toEqual(new Set(res.fileLocations.map((f) => f.fileDigest)));
  });

  it('reads the cbs GetFileLocations reply (REDACTED cookie text is kept as opaque text)', () => {
    const xml = readCbs('get-file-locations-response.xml');
    const res = parseWsusResponse('GetFileLocations', xml);
    expect(res.fileLocations).toEqual([
      {
        fileDigest: 'hlQslyYcRtWzeaQ+yJX5fq9Am6I=',
        url: 'http://wsus.lab.invalid:8530/Content/A2/86542C97261C46D5B379A43EC895F97EAF409BA2.cab',
      },
    ]);
    expect(res.newCookie).toEqual({ expiration: 'REDACTED', encryptedData: 'REDACTED' });
    expect(buildWsusResponse(res)).toBe(xml);
  });
});
