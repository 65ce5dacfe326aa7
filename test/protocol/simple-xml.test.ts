// The fast reader must read every document it accepts exactly as fast-xml-parser does, and hand
// everything else back. Corpus: the captured WSUS exchanges, the XML examples of protocol-reference.md,
// MP messages built by our builders, and thousands of mutations of all of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildMsgHeaderXml,
  buildRequestAssignments,
  buildStateMessageReport,
  buildWsusLocationRequest,
} from '../../protocol/mp/index.ts';
import { parseSimpleXml } from '../../protocol/simple-xml.ts';
import { buildWsusRequest } from '../../protocol/wsus/index.ts';
import { parseXml, parseXmlFully, XmlError } from '../../protocol/xml.ts';
import { FIXTURES_DIR } from '../paths.ts';
import { loadExchanges } from './wsus/captures.ts';

const ARRAYS = new Set(['Property', 'IPAddress', 'StateMessage', 'PolicyAssignment']);

function referenceDocs(): string[] {
  const reference = readFileSync(join(FIXTURES_DIR, '../docs/protocol-reference.md'), 'utf8');
  const examples = [...reference.matchAll(/```xml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const captures = loadExchanges().flatMap((e) => [e.requestBody, e.responseBody]);
  return [...examples, ...captures];
}

function builtDocs(): string[] {
  const header = (i: number) =>
    buildMsgHeaderXml({
      id: `{5DD100CD-DF1D-45F5-BA17-A327F43465F${i}}`,
      sourceId: `GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C51${i}`,
      sourceHost: `CLIENT${i}`,
      targetAddress: 'mp:MP_PolicyManager',
      targetEndpoint: 'MP_PolicyManager',
      targetHost: 'mp.contoso.com',
      replyCompression: 'zlib',
      sentTime: '2026-12-05T10:00:00Z',
      bodyLength: 1000 + i,
      compressed: i % 2 === 0,
      ...(i % 3 === 0 ? { clientAuth: { AuthSenderMachine: `CLIENT${i}`, PublicKey: 'A&B<C>"D\'' } } : {}),
    });
  const assignments = buildRequestAssignments({
    clientId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
    fqdn: 'client1.contoso.com',
    netbiosName: 'CLIENT1',
    siteCode: 'PS1',
    resourceType: 'Machine',
    requestType: 'Always',
    ack: false,
  });
  const location = buildWsusLocationRequest({
    updateSourceId: '{A5E1A1A2-0000-4000-8000-000000000001}',
    contentVersion: 3,
    siteCode: 'PS1',
    location: {
      adSite: 'Default-First-Site-Name',
      forest: 'contoso.com',
      domain: 'contoso.com',
      ipAddresses: [{ subnetAddress: '10.0.0.0', address: '10.0.0.7' }],
      onInternet: false,
    },
  });
  const report = buildStateMessageReport({
    clientId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
    netbiosName: 'CLIENT1',
    date: Date.UTC(2026, 11, 5),
    messages: [1, 2, 3].map((n) => ({
      serialNumber: n,
      messageTime: Date.UTC(2026, 11, 5),
      topicId: `{0000000${n}-0000-4000-8000-000000000000}`,
      topicType: 500,
      topicIdType: 3,
      stateId: n,
      params: [],
    })),
  });
  // The warm-scan request every client sends with its whole cache (the SUP's most expensive parse).
  const ids = Array.from({ length: 60 }, (_, n) => 100_000 + n * 7);
  const sync = buildWsusRequest({
    operation: 'SyncUpdates',
    cookie: { expiration: '2026-12-05T10:00:00Z', encryptedData: 'QUJD+/=' },
    expressQuery: false,
    installedNonLeafUpdateIds: ids.slice(0, 20),
    otherCachedUpdateIds: ids.slice(20),
    skipSoftwareSync: false,
  });
  return [0, 1, 2, 3, 4, 5].map(header).concat(assignments, location, report, sync);
}

/** What parseXmlFully gives, or 'error' when it refuses the document. */
function full(text: string): unknown {
  try {
    return parseXmlFully(text, { arrays: ARRAYS });
  } catch (err) {
    if (err instanceof XmlError) return 'error';
    throw err;
  }
}

describe('parseSimpleXml (the fast reader behind parseXml)', () => {
  it('reads the MP messages and the SyncUpdates request sent on every poll and scan, as fast-xml-parser does', () => {
    for (const doc of builtDocs()) {
      const fast = parseSimpleXml(doc, ARRAYS);
      expect(fast, doc.slice(0, 80)).toBeDefined();
      expect(fast).toEqual(full(doc));
    }
  });

  it('agrees with fast-xml-parser on every captured and documented message it accepts', () => {
    let accepted = 0;
    for (const doc of referenceDocs()) {
      const fast = parseSimpleXml(doc, ARRAYS);
      if (fast === undefined) continue;
      accepted++;
      expect(fast).toEqual(full(doc));
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('never accepts a mutated document that fast-xml-parser refuses or reads differently', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = [
      '<',
      '>',
      '/',
      '&',
      '"',
      "'",
      '=',
      ' ',
      ':',
      '!',
      '?',
      ';',
      'a',
      '&amp;',
      '&#65;',
      '</x>',
      '<x/>',
    ];
    const corpus = builtDocs().concat(referenceDocs().filter((d) => d.length < 20_000));
    let accepted = 0;
    let checked = 0;
    for (const doc of corpus) {
      for (let n = 0; n < 400; n++) {
        let text = doc;
        for (let k = 0, edits = 1 + rand(3); k < edits; k++) {
          const at = rand(text.length);
          const cut = rand(3);
          text = text.slice(0, at) + pieces[rand(pieces.length)]! + text.slice(at + cut);
        }
        const fast = parseSimpleXml(text, ARRAYS);
        checked++;
        if (fast === undefined) continue;
        accepted++;
        expect(fast, text).toEqual(full(text));
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(100);
  });

  it('hands back what it does not read: comments, CDATA, double prefixes, character references, mixed content, two roots, broken tags', () => {
    for (const doc of [
      '<a><!-- c --></a>',
      '<a><![CDATA[x]]></a>',
      '<s:a:b/>',
      '<s:a></t:a>',
      '<a>&#65;</a>',
      '<a>t<b/></a>',
      '<a/><b/>',
      '<a><b></a></b>',
      '<a b="1" b="2"/>',
      '<a b=1/>',
      '<a>',
      '<__proto__/>',
    ]) {
      expect(parseSimpleXml(doc), doc).toBeUndefined();
    }
  });

  it('parseXml still refuses what the full parser refuses', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(XmlError);
    expect(() => parseXml('<!DOCTYPE a><a/>')).toThrow(/DOCTYPE/);
    expect(parseXml('<a x="1">t</a>')).toEqual({ a: { '@_x': '1', '#text': 't' } });
  });
});
