// parseWsusRequestFast must give exactly parseWsusRequest's answer — the same request, or an error of the
// same class, kind and message — for every document: the captured exchanges, built SyncUpdates requests
// with long lists, targeted re-spellings of the lists, and over a thousand random mutations of all of them.
import { describe, expect, it } from 'vitest';
import {
  buildWsusRequest,
  IntListCache,
  parseWsusRequest,
  parseWsusRequestFast,
  type SyncUpdatesRequest,
  soapActionHeader,
  WsusProtocolError,
} from '../../protocol/wsus/index.ts';
import { XmlError } from '../../protocol/xml.ts';
import { loadExchanges } from './wsus/captures.ts';

const SYNC_ACTION = soapActionHeader('SyncUpdates');

/** The request, or the error's class, kind and message. */
function outcome(parse: () => unknown): unknown {
  try {
    return { ok: parse() };
  } catch (err) {
    if (err instanceof WsusProtocolError || err instanceof XmlError)
      return { error: err.name, kind: err.kind, message: err.message };
    throw err;
  }
}

/** One cache across the whole file (small, so it also evicts): hits and misses must read the same. */
const cache = new IntListCache(8);

function expectSame(xml: string, soapAction?: string): unknown {
  const full = outcome(() => parseWsusRequest(xml, soapAction));
  expect(
    outcome(() => parseWsusRequestFast(xml, soapAction)),
    xml.slice(0, 300),
  ).toEqual(full);
  for (let pass = 0; pass < 2; pass++) {
    expect(
      outcome(() => parseWsusRequestFast(xml, soapAction, cache)),
      xml.slice(0, 300),
    ).toEqual(full);
  }
  return full;
}

const ids = (from: number, count: number, step = 1): number[] =>
  Array.from({ length: count }, (_, n) => from + n * step);

function syncRequest(overrides: Partial<SyncUpdatesRequest> = {}): string {
  return buildWsusRequest({
    operation: 'SyncUpdates',
    cookie: { expiration: '2026-12-05T10:00:00Z', encryptedData: 'QUJD+/=' },
    expressQuery: false,
    installedNonLeafUpdateIds: ids(100_001, 40),
    otherCachedUpdateIds: ids(100_100, 1500, 3),
    skipSoftwareSync: false,
    ...overrides,
  });
}

function builtDocs(): string[] {
  return [
    syncRequest(),
    syncRequest({ installedNonLeafUpdateIds: ids(1, 400), otherCachedUpdateIds: [] }),
    syncRequest({ otherCachedUpdateIds: ids(999_999_999_999_990, 60) }),
    syncRequest({
      installedNonLeafUpdateIds: [0, 7, 7, 0, 12],
      otherCachedUpdateIds: ids(5, 300).concat([5, 6]),
    }),
    syncRequest({
      skipSoftwareSync: true,
      cachedDriverIds: ids(200_000, 200),
      systemSpec: [{ hardwareIds: ['PCI\\VEN_8086&DEV_1234'], compatibleIds: ['PCI\\CC_0200'] }],
    }),
    syncRequest({ installedNonLeafUpdateIds: undefined, otherCachedUpdateIds: undefined }),
    `<?xml version="1.0" encoding="utf-8"?>${syncRequest()}`,
  ];
}

describe('parseWsusRequestFast', () => {
  it('reads built SyncUpdates requests with long lists exactly as parseWsusRequest does', () => {
    for (const doc of builtDocs()) {
      const full = expectSame(doc, SYNC_ACTION) as { ok?: SyncUpdatesRequest };
      expect(full.ok, doc.slice(0, 200)).toBeDefined();
      expectSame(doc);
    }
    const req = parseWsusRequestFast(syncRequest(), SYNC_ACTION) as SyncUpdatesRequest;
    expect(req.otherCachedUpdateIds).toEqual(ids(100_100, 1500, 3));
  });

  it('hands out one shared, frozen array per list text from its cache', () => {
    const own = new IntListCache();
    const first = parseWsusRequestFast(syncRequest(), SYNC_ACTION, own) as SyncUpdatesRequest;
    const again = parseWsusRequestFast(syncRequest(), SYNC_ACTION, own) as SyncUpdatesRequest;
    expect(again.otherCachedUpdateIds).toBe(first.otherCachedUpdateIds);
    expect(own.isShared(again.otherCachedUpdateIds)).toBe(true);
    expect(Object.isFrozen(again.otherCachedUpdateIds)).toBe(true);
    const other = parseWsusRequestFast(
      syncRequest({ otherCachedUpdateIds: ids(100_100, 1500, 4) }),
      SYNC_ACTION,
      own,
    ) as SyncUpdatesRequest;
    expect(other.otherCachedUpdateIds).toEqual(ids(100_100, 1500, 4));
    // Bounded by entries and by characters; a list too long to keep is still read (and shared).
    const small = new IntListCache(2, 8000);
    for (const step of [1, 2, 3, 4]) {
      const doc = syncRequest({ otherCachedUpdateIds: ids(100_000, 60, step) });
      const a = parseWsusRequestFast(doc, SYNC_ACTION, small) as SyncUpdatesRequest;
      const b = parseWsusRequestFast(doc, SYNC_ACTION, small) as SyncUpdatesRequest;
      expect(b.otherCachedUpdateIds).toBe(a.otherCachedUpdateIds);
    }
    const huge = parseWsusRequestFast(syncRequest(), SYNC_ACTION, small) as SyncUpdatesRequest;
    expect(huge.otherCachedUpdateIds).toEqual(ids(100_100, 1500, 3));
    expect(small.isShared(huge.otherCachedUpdateIds)).toBe(true);
    expect(small.get(syncRequest().split('<OtherCachedUpdateIDs>')[1]!.split('</')[0]!)).toBeUndefined();
    // Without a cache the arrays are the request's own.
    const plain = parseWsusRequestFast(syncRequest(), SYNC_ACTION) as SyncUpdatesRequest;
    expect(own.isShared(plain.otherCachedUpdateIds)).toBe(false);
  });

  it('agrees on every captured request, with and without its SOAPAction', () => {
    let checked = 0;
    for (const e of loadExchanges()) {
      expectSame(e.requestBody, e.soapAction);
      expectSame(e.requestBody);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('agrees when a list is spelled another way, named elsewhere, repeated or misplaced', () => {
    const doc = syncRequest();
    const list = 'OtherCachedUpdateIDs';
    const variants = [
      doc.replace('<int>100103</int>', '<int> 100103 </int>'),
      doc.replace('<int>100103</int>', '<int>+100103</int>'),
      doc.replace('<int>100103</int>', '<int>-100103</int>'),
      doc.replace('<int>100103</int>', '<int>1234567890123456</int>'),
      doc.replace('<int>100103</int>', '<int>12345678901234567890</int>'),
      doc.replace('<int>100103</int>', '<int>1&#48;0103</int>'),
      doc.replace('<int>100103</int>', '<int></int>'),
      doc.replace('<int>100103</int>', '<int>x</int>'),
      doc.replace('<int>100103</int>', '<int>100103</int>\n'),
      doc.replace('<int>100103</int>', '<!-- c --><int>100103</int>'),
      doc.replace('<int>100103</int>', '<int>100103</int><long>1</long>'),
      doc.replace('<int>100103</int>', '<int>100103</int'),
      doc.replace(`<${list}>`, `<${list} xmlns:x="urn:x">`),
      doc.replace(`<${list}>`, `<p:${list} xmlns:p="urn:p">`).replace(`</${list}>`, `</p:${list}>`),
      doc.replace('</parameters>', `<${list}><int>1</int></${list}></parameters>`),
      doc.replace('<parameters>', `<parameters><${list}/>`),
      doc.replace('QUJD+/=', list),
      doc.replace('</SyncUpdates>', `<!-- ${list} --></SyncUpdates>`),
      doc.replace('</SyncUpdates>', '</SyncUpdates><extra/>'),
      doc.replace('<ExpressQuery>false', '<ExpressQuery>maybe'),
      doc.replace('<SkipSoftwareSync>false</SkipSoftwareSync>', ''),
      doc.replace(/<cookie>[\s\S]*<\/cookie>/, ''),
      // The whole list moved into the cookie: well-formed, but not parameters' list.
      (() => {
        const from = doc.indexOf(`<${list}>`);
        const to = doc.indexOf(`</${list}>`) + list.length + 3;
        const element = doc.slice(from, to);
        return (doc.slice(0, from) + doc.slice(to)).replace('</cookie>', `${element}</cookie>`);
      })(),
      doc.replace('<s:Body>', '<s:Header/><s:Body>'),
      doc.replace('SyncUpdates xmlns="', 'SyncUpdates xmlns="urn:wrong'),
      doc.replace('</s:Envelope>', ''),
      `<!DOCTYPE a>${doc}`,
    ];
    for (const variant of variants) {
      expectSame(variant, SYNC_ACTION);
      expectSame(variant, soapActionHeader('GetConfig'));
    }
  });

  it('agrees on random mutations of built and captured requests', () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['<', '>', '/', '&', ' ', ':', '!', '-', '0', '9', '<int>', '</int>', '<int>5</int>', 'x'];
    const corpus = builtDocs().concat(
      loadExchanges()
        .filter((e) => e.operation === 'SyncUpdates')
        .map((e) => e.requestBody),
    );
    let checked = 0;
    for (const doc of corpus) {
      // Edits land anywhere, and half of them inside the long lists where the scanner reads.
      const listFrom = Math.max(0, doc.indexOf('UpdateIDs>'));
      for (let n = 0; n < 60; n++) {
        let text = doc;
        for (let k = 0, edits = 1 + rand(3); k < edits; k++) {
          const at = n % 2 === 0 ? rand(text.length) : listFrom + rand(Math.max(1, text.length - listFrom));
          text = text.slice(0, at) + pieces[rand(pieces.length)]! + text.slice(at + rand(3));
        }
        // One fast parse (through the cache: a mutated list is new to it, so it is scanned) per mutation.
        const full = outcome(() => parseWsusRequest(text, SYNC_ACTION));
        expect(
          outcome(() => parseWsusRequestFast(text, SYNC_ACTION, cache)),
          text.slice(0, 300),
        ).toEqual(full);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
