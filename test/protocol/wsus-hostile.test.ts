// Hostile and broken input: every case must end in a typed error (XmlError, WsusProtocolError), never a
// crash, a hang or a blow-up.
import { describe, expect, it } from 'vitest';
import {
  NS_CLIENT,
  NS_SOAP,
  WsusProtocolError,
  buildWsusRequest,
  parseCoreFragment,
  parseExtendedFragment,
  parseWsusRequest,
  parseWsusResponse,
  scanSyncUpdatesSummary,
  soapActionFor,
} from '../../protocol/wsus/index.ts';
import { XmlError } from '../../protocol/xml.ts';
import { loadExchanges } from './wsus/captures.ts';

const env = (inner: string, head = `<s:Envelope xmlns:s="${NS_SOAP}">`) =>
  `${head}<s:Body>${inner}</s:Body></s:Envelope>`;
const exchanges = loadExchanges();
const bigSync = exchanges.find((x) => x.name === 'wsus-m0-native/flow/000012')!;
const syncReq = exchanges.find((x) => x.name === 'wsus-m0-native/flow/000001')!;

function errorOf(fn: () => unknown): Error & { kind?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { kind?: string };
  }
  throw new Error('expected an error');
}

const ENTITY_BOMB = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
${env(`<GetConfig xmlns="${NS_CLIENT}"><protocolVersion>&lol3;</protocolVersion></GetConfig>`)}`;

describe('XML-level attacks and damage', () => {
  it.each([
    ['request', () => parseWsusRequest(ENTITY_BOMB)],
    ['response', () => parseWsusResponse('GetConfig', ENTITY_BOMB)],
    ['summary', () => scanSyncUpdatesSummary(`<!DOCTYPE x [<!ENTITY a "b">]>${bigSync.responseBody}`)],
    [
      'core fragment',
      () => parseCoreFragment('<!DOCTYPE x [<!ENTITY a "b">]><UpdateIdentity UpdateID="&a;"/>'),
    ],
  ])('refuses a DOCTYPE / entity bomb (%s)', (_where, fn) => {
    const err = errorOf(fn);
    expect(err).toBeInstanceOf(XmlError);
    expect(err.kind).toBe('doctype');
  });

  it('refuses a 20 MB body quickly, before parsing', () => {
    const huge = env(`<SyncUpdates xmlns="${NS_CLIENT}">${'<int>1</int>'.repeat(1_700_000)}</SyncUpdates>`);
    expect(huge.length).toBeGreaterThan(20_000_000);
    const started = performance.now();
    for (const fn of [
      () => parseWsusRequest(huge),
      () => parseWsusResponse('SyncUpdates', huge),
      () => scanSyncUpdatesSummary(huge),
    ]) {
      const err = errorOf(fn);
      expect(err).toBeInstanceOf(XmlError);
      expect(err.kind).toBe('too-large');
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([0.1, 0.5, 0.9, 0.999])('treats a reply truncated at %d of its length as malformed', (fraction) => {
    const cut = bigSync.responseBody.slice(0, Math.floor(bigSync.responseBody.length * fraction));
    expect(errorOf(() => parseWsusResponse('SyncUpdates', cut))).toBeInstanceOf(XmlError);
    expect(errorOf(() => scanSyncUpdatesSummary(cut))).toBeInstanceOf(XmlError);
  });

  it('treats a truncated request as malformed', () => {
    const cut = syncReq.requestBody.slice(0, 5000);
    expect(errorOf(() => parseWsusRequest(cut, syncReq.soapAction))).toBeInstanceOf(XmlError);
  });

  it.each([
    ['empty', ''],
    ['text', 'hello'],
    ['html', '<html><body>502 Bad Gateway</body></html'],
    ['json', '{"error":"nope"}'],
    [
      'deep nesting',
      env(`<GetConfig xmlns="${NS_CLIENT}">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</GetConfig>`),
    ],
    ['prototype keys', env(`<GetConfig xmlns="${NS_CLIENT}"><__proto__><x>1</x></__proto__></GetConfig>`)],
  ])('refuses garbage (%s) with a typed error', (_name, xml) => {
    for (const fn of [() => parseWsusRequest(xml), () => parseWsusResponse('GetConfig', xml)]) {
      const err = errorOf(fn);
      expect(err instanceof XmlError || err instanceof WsusProtocolError).toBe(true);
    }
  });
});

describe('well-formed but wrong messages', () => {
  it('refuses a root that is not a SOAP envelope', () => {
    for (const xml of [
      `<GetConfig xmlns="${NS_CLIENT}"><protocolVersion>1.8</protocolVersion></GetConfig>`,
      env(
        `<GetConfig xmlns="${NS_CLIENT}"/>`,
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">',
      ),
      env(`<GetConfig xmlns="${NS_CLIENT}"/>`, '<s:Envelope>'),
      '<html><body>Service Unavailable</body></html>',
    ]) {
      const err = errorOf(() => parseWsusRequest(xml));
      expect(err).toBeInstanceOf(WsusProtocolError);
      expect(err.kind).toBe('envelope');
    }
  });

  it('refuses SOAP headers, an empty body and two body elements', () => {
    const header = `<s:Envelope xmlns:s="${NS_SOAP}"><s:Header><x/></s:Header><s:Body><GetConfig xmlns="${NS_CLIENT}"/></s:Body></s:Envelope>`;
    expect(errorOf(() => parseWsusRequest(header)).message).toMatch(/headers are not allowed/);
    expect(errorOf(() => parseWsusRequest(env(''))).kind).toBe('envelope');
    const two = env(`<GetConfig xmlns="${NS_CLIENT}"/><GetConfig xmlns="${NS_CLIENT}"/>`);
    expect(errorOf(() => parseWsusRequest(two)).kind).toBe('envelope');
  });

  it('refuses an operation in the wrong namespace', () => {
    const xml = env(
      '<GetConfig xmlns="http://example.invalid/"><protocolVersion>1.8</protocolVersion></GetConfig>',
    );
    expect(errorOf(() => parseWsusRequest(xml)).kind).toBe('namespace');
    const unqualified = env('<GetConfig><protocolVersion>1.8</protocolVersion></GetConfig>');
    expect(errorOf(() => parseWsusRequest(unqualified)).kind).toBe('namespace');
  });

  it('accepts the namespace through a prefix declared on the envelope', () => {
    const xml = `<e:Envelope xmlns:e="${NS_SOAP}" xmlns:c="${NS_CLIENT}"><e:Body><c:GetConfig><c:protocolVersion>2.90</c:protocolVersion></c:GetConfig></e:Body></e:Envelope>`;
    expect(parseWsusRequest(xml)).toEqual({ operation: 'GetConfig', protocolVersion: '2.90' });
  });

  it('refuses unknown operations and a SOAPAction that disagrees with the body', () => {
    const config = buildWsusRequest({ operation: 'GetConfig', protocolVersion: '1.8' });
    expect(errorOf(() => parseWsusRequest(config, `"${soapActionFor('SyncUpdates')}"`)).kind).toBe(
      'operation',
    );
    expect(errorOf(() => parseWsusRequest(config, '"http://evil.invalid/GetConfig"')).kind).toBe('operation');
    expect(parseWsusRequest(config, `"${soapActionFor('GetConfig')}"`).operation).toBe('GetConfig');
    const printer = env(`<SyncPrinterCatalog xmlns="${NS_CLIENT}"/>`);
    expect(errorOf(() => parseWsusRequest(printer)).kind).toBe('operation');
  });

  it('refuses a SyncUpdates request without its cookie, naming the element', () => {
    const noCookie = syncReq.requestBody.replace(/<cookie>.*?<\/cookie>/, '');
    const err = errorOf(() => parseWsusRequest(noCookie, syncReq.soapAction));
    expect(err).toBeInstanceOf(WsusProtocolError);
    expect(err.kind).toBe('shape');
    expect(err.message).toMatch(/SyncUpdates: missing <cookie>/);
  });

  it('refuses a cookie without EncryptedData and parameters without ExpressQuery', () => {
    const noData = syncReq.requestBody.replace(/<EncryptedData>.*?<\/EncryptedData>/, '');
    expect(errorOf(() => parseWsusRequest(noData)).message).toMatch(/missing <EncryptedData>/);
    const noExpress = syncReq.requestBody.replace('<ExpressQuery>false</ExpressQuery>', '');
    expect(errorOf(() => parseWsusRequest(noExpress)).message).toMatch(/missing <ExpressQuery>/);
  });

  it('refuses values that are not what the schema says', () => {
    const badInt = syncReq.requestBody.replace(/<int>\d+<\/int>/, '<int>12abc</int>');
    expect(errorOf(() => parseWsusRequest(badInt)).kind).toBe('value');
    const badBool = syncReq.requestBody.replace(
      '<ExpressQuery>false</ExpressQuery>',
      '<ExpressQuery>maybe</ExpressQuery>',
    );
    expect(errorOf(() => parseWsusRequest(badBool)).kind).toBe('value');
    const badId = bigSync.responseBody.replace(/<UpdateInfo><ID>\d+<\/ID>/, '<UpdateInfo><ID>x</ID>');
    expect(errorOf(() => parseWsusResponse('SyncUpdates', badId)).kind).toBe('value');
    expect(errorOf(() => scanSyncUpdatesSummary(badId)).kind).toBe('value');
  });

  it('refuses a reply to a different operation', () => {
    const cookieReply = exchanges.find((x) => x.operation === 'GetCookie')!.responseBody;
    expect(errorOf(() => parseWsusResponse('GetConfig', cookieReply)).kind).toBe('operation');
    expect(errorOf(() => scanSyncUpdatesSummary(cookieReply)).kind).toBe('operation');
  });

  it('refuses a SyncUpdates reply without NewCookie', () => {
    const noCookie = bigSync.responseBody.replace(/<NewCookie>.*?<\/NewCookie>/, '');
    expect(errorOf(() => parseWsusResponse('SyncUpdates', noCookie)).kind).toBe('shape');
    expect(errorOf(() => scanSyncUpdatesSummary(noCookie)).kind).toBe('shape');
  });

  it('refuses fragments without identity or file attributes', () => {
    expect(errorOf(() => parseCoreFragment('<Properties UpdateType="Software"/>')).kind).toBe('shape');
    expect(errorOf(() => parseCoreFragment('<UpdateIdentity UpdateID="x" RevisionNumber="two"/>')).kind).toBe(
      'value',
    );
    expect(errorOf(() => parseExtendedFragment('<Files><File FileName="a.cab"/></Files>')).kind).toBe(
      'shape',
    );
    expect(errorOf(() => parseCoreFragment('<UpdateIdentity UpdateID="x"'))).toBeInstanceOf(XmlError);
  });
});
