import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildPropfindResponse,
  contentFolderUrl,
  contentUrl,
  DpProtocolError,
  formatContentRange,
  parseContentPath,
  parseContentRange,
  parsePropfindResponse,
  parseRange,
  rangeLength,
  signatureUrl,
} from '../../protocol/dp/index.ts';
import { XmlError } from '../../protocol/xml.ts';
import { WSUS_CAPTURES_DIR } from '../paths.ts';

const ID = 'fbb5724a-aa0f-47f9-908a-47068fd8ad6f';

describe('content URLs and paths', () => {
  it('builds content, folder and signature URLs', () => {
    expect(contentUrl('http://dp1.contoso.com/', ID, 'windows10.0-kb5034441-x64.cab')).toBe(
      `http://dp1.contoso.com/SMS_DP_SMSPKG$/${ID}/windows10.0-kb5034441-x64.cab`,
    );
    expect(contentUrl('http://dp:8080', ID, 'sub dir/a#b.cab')).toBe(
      `http://dp:8080/SMS_DP_SMSPKG$/${ID}/sub%20dir/a%23b.cab`,
    );
    expect(contentFolderUrl('http://dp', ID)).toBe(`http://dp/SMS_DP_SMSPKG$/${ID}`);
    expect(signatureUrl('http://dp', ID)).toBe(`http://dp/SMS_DP_SMSSIG$/${ID}.1.tar`);
  });

  it('parses what it builds, and the folder itself', () => {
    const url = new URL(contentUrl('http://dp:8080', ID, 'sub dir/a#b.cab'));
    expect(parseContentPath(url.pathname + url.search)).toEqual({
      share: 'content',
      contentId: ID,
      fileName: 'sub dir/a#b.cab',
      noCert: false,
      sccmRewrite: false,
    });
    expect(parseContentPath(`/SMS_DP_SMSPKG$/${ID}/`)).toEqual({
      share: 'content',
      contentId: ID,
      noCert: false,
      sccmRewrite: false,
    });
  });

  it('parses the sccm? rewrite, NOCERT_, %24, any case and a signature path', () => {
    expect(parseContentPath(`/SMS_DP_SMSPKG$/${ID}/sccm?/update.cab`)).toMatchObject({
      contentId: ID,
      fileName: 'update.cab',
      sccmRewrite: true,
    });
    expect(parseContentPath(`/sms_dp_smspkg%24/${ID}/SCCM?update.cab`)).toMatchObject({
      fileName: 'update.cab',
      sccmRewrite: true,
    });
    expect(parseContentPath(`/NOCERT_SMS_DP_SMSPKG$/${ID}/a.cab?x=1`)).toMatchObject({
      fileName: 'a.cab',
      noCert: true,
    });
    expect(parseContentPath(`/SMS_DP_SMSSIG$/${ID}.1.tar`)).toEqual({
      share: 'signature',
      contentId: ID,
      version: 1,
      noCert: false,
      sccmRewrite: false,
    });
    expect(parseContentPath('/SMS_DP_SMSPKG$/Datalib')).toMatchObject({ contentId: 'Datalib' });
  });

  it('is undefined outside the DP shares and refuses traversal or bad encoding inside them', () => {
    expect(parseContentPath('/Content/AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe')).toBeUndefined();
    expect(parseContentPath('/SMS_DP_SMSPKG$x/a')).toBeUndefined();
    for (const bad of [
      `/SMS_DP_SMSPKG$/${ID}/../../etc/passwd`,
      `/SMS_DP_SMSPKG$/${ID}/%2e%2e/x`,
      `/SMS_DP_SMSPKG$/${ID}/a%2Fb`,
      `/SMS_DP_SMSPKG$/${ID}/%E0%A4%A`,
      '/SMS_DP_SMSPKG$/',
      `/SMS_DP_SMSSIG$/${ID}.zip`,
    ]) {
      expect(() => parseContentPath(bad), bad).toThrow(DpProtocolError);
    }
  });
});

describe('Range', () => {
  const SIZE = 1000;
  it('reads the three single-range forms, clamping to the size', () => {
    expect(parseRange('bytes=0-99', SIZE)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', SIZE)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', SIZE)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', SIZE)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', SIZE)).toEqual({ start: 990, end: 999 });
    expect(parseRange('Bytes = 5 - 5', SIZE)).toEqual({ start: 5, end: 5 });
  });

  it('says unsatisfiable for ranges past the end, -0, and any range of an empty file', () => {
    expect(parseRange('bytes=1000-', SIZE)).toBe('unsatisfiable');
    expect(parseRange('bytes=1000-2000', SIZE)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', SIZE)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-0', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=-1', 0)).toBe('unsatisfiable');
  });

  it('reports several ranges as multiple (unless all are unsatisfiable)', () => {
    expect(parseRange('bytes=0-9,20-29', SIZE)).toBe('multiple');
    expect(parseRange('bytes=0-9, -5', SIZE)).toBe('multiple');
    expect(parseRange('bytes=2000-,3000-3001', SIZE)).toBe('unsatisfiable');
  });

  it('ignores absent, foreign-unit and invalid headers (undefined → answer 200)', () => {
    for (const h of [
      undefined,
      '',
      'items=0-5',
      'bytes=',
      'bytes=5-1',
      'bytes=a-b',
      'bytes=-',
      'bytes=0-1-2',
      'bytes=1234567890123456-',
    ]) {
      expect(parseRange(h, SIZE), String(h)).toBeUndefined();
    }
  });
});

describe('Content-Range', () => {
  it('formats and parses satisfied and unsatisfied forms', () => {
    expect(formatContentRange({ start: 0, end: 99 }, 1000)).toBe('bytes 0-99/1000');
    expect(formatContentRange('unsatisfiable', 1000)).toBe('bytes */1000');
    expect(parseContentRange('bytes 0-99/1000')).toEqual({ kind: 'range', start: 0, end: 99, size: 1000 });
    expect(parseContentRange('bytes 0-99/*')).toEqual({ kind: 'range', start: 0, end: 99, size: undefined });
    expect(parseContentRange('bytes */1000')).toEqual({ kind: 'unsatisfied', size: 1000 });
    expect(rangeLength({ start: 0, end: 99 })).toBe(100);
  });

  it('throws a typed error on malformed or inconsistent values', () => {
    for (const bad of ['', 'bytes 0-99', 'bytes 5-1/10', 'bytes 0-10/10', 'items 0-1/2', 'bytes a-b/c']) {
      expect(() => parseContentRange(bad), bad).toThrow(DpProtocolError);
    }
  });
});

describe('real Delivery Optimization range GETs against IIS (wsus-m0-native/content-headers)', () => {
  const dir = join(WSUS_CAPTURES_DIR, 'wsus-m0-native', 'content-headers');
  const header = (text: string, name: string) => {
    const line = text.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return line?.slice(name.length + 1).trim();
  };
  const cases = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

  it('has the four captures', () => {
    expect(cases.sort()).toEqual([
      'final-range',
      'first-range-by-offset',
      'middle-range',
      'whole-file-single-range',
    ]);
  });

  for (const name of cases) {
    it(`${name}: our Range parse and Content-Range format reproduce the IIS answer`, () => {
      const request = readFileSync(join(dir, name, 'request.headers'), 'latin1');
      const response = readFileSync(join(dir, name, 'response.headers'), 'latin1');
      const served = parseContentRange(header(response, 'Content-Range')!);
      if (served.kind !== 'range' || served.size === undefined) throw new Error('capture is not a 206 range');
      const asked = parseRange(header(request, 'Range'), served.size);
      if (asked === undefined || typeof asked === 'string') throw new Error(`unexpected ${asked}`);
      expect(asked).toEqual({ start: served.start, end: served.end });
      expect(formatContentRange(asked, served.size)).toBe(header(response, 'Content-Range'));
      expect(String(rangeLength(asked))).toBe(header(response, 'Content-Length'));
      expect(response.startsWith('HTTP/1.1 206 Partial Content\r\n')).toBe(true);
    });
  }
});

describe('PROPFIND manifest', () => {
  const folder = `http://dp1.contoso.com/SMS_DP_SMSPKG$/${ID}`;
  const files = [
    { name: 'windows10.0-kb5034441-x64.cab', size: 204_745_168, lastModified: Date.UTC(2024, 0, 9) },
    { name: 'sub dir/readme & notes.txt', size: 0 },
  ];

  it('builds a 207 body that parses back to the folder and its files', () => {
    const xml = buildPropfindResponse(`${folder}/`, files);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:">')).toBe(true);
    expect(xml).toContain('<D:getlastmodified>Tue, 09 Jan 2024 00:00:00 GMT</D:getlastmodified>');
    expect(parsePropfindResponse(xml)).toEqual([
      { href: `${folder}/`, isCollection: true, size: 0 },
      { href: `${folder}/windows10.0-kb5034441-x64.cab`, isCollection: false, size: 204_745_168 },
      { href: `${folder}/sub%20dir/readme%20%26%20notes.txt`, isCollection: false, size: 0 },
    ]);
  });

  it('parses IIS-style replies: another prefix, typed attributes, a 404 propstat first', () => {
    const iis = `<?xml version="1.0"?><a:multistatus xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/" xmlns:a="DAV:">
      <a:response><a:href>/SMS_DP_SMSPKG$/${ID}/f.cab</a:href>
        <a:propstat><a:status>HTTP/1.1 404 Not Found</a:status><a:prop><a:getcontentlength>zzz</a:getcontentlength></a:prop></a:propstat>
        <a:propstat><a:status>HTTP/1.1 200 OK</a:status><a:prop><a:getcontentlength b:dt="int">918944</a:getcontentlength><a:resourcetype/></a:prop></a:propstat>
      </a:response></a:multistatus>`;
    expect(parsePropfindResponse(iis)).toEqual([
      { href: `/SMS_DP_SMSPKG$/${ID}/f.cab`, isCollection: false, size: 918944 },
    ]);
  });

  it('throws typed errors on hostile or wrong input', () => {
    const bad = [
      '<!DOCTYPE x [<!ENTITY e "e">]><D:multistatus xmlns:D="DAV:"/>',
      '<html>not dav</html>',
      '<D:multistatus xmlns:D="DAV:"><D:response><D:propstat/></D:response></D:multistatus>',
      '<D:multistatus xmlns:D="DAV:"><D:response><D:href>/x</D:href><D:propstat><D:prop><D:getcontentlength>-1</D:getcontentlength></D:prop></D:propstat></D:response></D:multistatus>',
      '<D:multistatus',
      'x'.repeat(17 * 1024 * 1024),
    ];
    for (const xml of bad) {
      try {
        parsePropfindResponse(xml);
        expect.unreachable(xml.slice(0, 40));
      } catch (err) {
        expect(err instanceof DpProtocolError || err instanceof XmlError, (err as Error).message).toBe(true);
      }
    }
  });
});
