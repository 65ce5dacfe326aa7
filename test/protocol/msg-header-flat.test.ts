// The flat <Msg> header reader must read every header it accepts exactly as parseXml does (the root node
// parseMsgHeaderXml works on), and hand everything else back; parseMsgHeaderXml must then give the same
// header or the same typed error as the general reader alone. Corpus: headers built with every option,
// the documented example, written by hand in other layouts, and thousands of mutations of all of them.
import { describe, expect, it } from 'vitest';
import {
  buildMsgHeaderXml,
  type MsgHeader,
  MpProtocolError,
  parseMsgHeaderXml,
} from '../../protocol/mp/index.ts';
import { readFlatMsgHeader } from '../../protocol/mp/msg-header-flat.ts';
import { parseRoot } from '../../protocol/mp/xml-read.ts';
import { XmlError } from '../../protocol/xml.ts';

const ARRAYS = new Set(['Property']);

/** What the general reader gives for the root, or the typed error it throws. */
function general(text: string): unknown {
  try {
    return parseRoot(text, 'Msg', ARRAYS);
  } catch (err) {
    if (err instanceof XmlError || err instanceof MpProtocolError) return `${err.name}:${err.kind}`;
    throw err;
  }
}

function headerOutcome(text: string): unknown {
  try {
    return parseMsgHeaderXml(text);
  } catch (err) {
    if (err instanceof XmlError || err instanceof MpProtocolError) return `${err.name}:${err.kind}`;
    return `untyped:${(err as Error).message}`;
  }
}

const BASE: MsgHeader = {
  id: '{5DD100CD-DF1D-45F5-BA17-A327F43465F8}',
  sourceId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
  sourceHost: 'CLIENT0001',
  targetAddress: 'mp:MP_RelayEndpoint',
  targetEndpoint: 'MP_RelayEndpoint',
  targetHost: 'mp.contoso.com',
  sentTime: '2026-12-05T10:00:00Z',
};

function corpus(): string[] {
  const built = [
    BASE,
    {
      ...BASE,
      replyCompression: 'zlib' as const,
      compressed: true,
      bodyLength: 3902,
      replyMode: 'Async' as const,
    },
    { ...BASE, sourceId: undefined, correlationId: '{00000000-0000-0000-0000-000000000001}', priority: 3 },
    { ...BASE, timeout: 5, replyTo: 'direct:OTHER:SccmMessaging', sourceHost: 'A&B' },
    { ...BASE, clientAuth: { AuthSenderMachine: 'CLIENT0001', PublicKey: '0602' }, compressed: true },
  ].map((h) => buildMsgHeaderXml(h as MsgHeader));
  const byHand = [
    `<Msg ReplyCompression="zlib" SchemaVersion="1.1">
  <Body Type="ByteRange" Length="1234" Offset="0"/>
  <CorrelationID>{00000000-0000-0000-0000-000000000000}</CorrelationID>
  <Hooks>
    <Hook3 Name="zlib-compress"/>
  </Hooks>
  <ID>{message guid}</ID><Payload Type="inline"></Payload><Priority> 0 </Priority>
  <Protocol>http</Protocol><ReplyMode>Sync</ReplyMode>
  <ReplyTo>direct:HOST:SccmMessaging</ReplyTo><SentTime>2024-01-01T00:00:00Z</SentTime>
  <SourceID>GUID:{smsid}</SourceID><SourceHost>HOST</SourceHost>
  <TargetAddress>mp:MP_PolicyManager</TargetAddress><TargetEndpoint>MP_PolicyManager</TargetEndpoint>
  <TargetHost>MP.FQDN</TargetHost><Timeout>60000</Timeout>
</Msg >
`,
    '<Msg><ID>{1}</ID><TargetAddress>mp:x</TargetAddress><Hooks/><Hooks2></Hooks2><Empty/></Msg>',
    '<Msg><ID>a>b</ID><TargetAddress>t</TargetAddress><Body Length="x"/></Msg>',
    '<Msg><ID>{1}</ID></Msg>',
    '<Other><ID>{1}</ID></Other>',
  ];
  return [...built, ...byHand];
}

describe('readFlatMsgHeader', () => {
  it('reads the headers every sender here writes, as parseXml does', () => {
    for (const doc of corpus().slice(0, 3)) {
      const flat = readFlatMsgHeader(doc);
      expect(flat, doc).toBeDefined();
      expect(flat).toEqual(general(doc));
    }
  });

  it('agrees with parseXml on every corpus header it accepts; parseMsgHeaderXml gives the same either way', () => {
    let accepted = 0;
    for (const doc of corpus()) {
      const flat = readFlatMsgHeader(doc);
      if (flat !== undefined) {
        accepted++;
        expect(flat, doc).toEqual(general(doc));
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(6);
    // The header of the hand-written layout reads as the documented example says.
    expect(parseMsgHeaderXml(corpus()[5]!)).toMatchObject({
      id: '{message guid}',
      priority: 0,
      compressed: true,
    });
  });

  it('never accepts a mutated header that parseXml refuses or reads differently', () => {
    let seed = 11;
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
      '\n',
      ':',
      '!',
      '?',
      'a',
      '&amp;',
      '</x>',
      '<x/>',
      '<ID>1</ID>',
      'xmlns="u"',
      '<?xml version="1.0"?>',
      '__proto__',
    ];
    let accepted = 0;
    let checked = 0;
    for (const doc of corpus()) {
      for (let n = 0; n < 600; n++) {
        let text = doc;
        for (let k = 0, edits = 1 + rand(3); k < edits; k++) {
          const at = rand(text.length);
          const cut = rand(3);
          text = text.slice(0, at) + pieces[rand(pieces.length)]! + text.slice(at + cut);
        }
        checked++;
        const flat = readFlatMsgHeader(text);
        if (flat !== undefined) {
          accepted++;
          expect(flat, text).toEqual(general(text));
        }
        // Whatever path it takes, the header (or the typed error) is the general reader's.
        const viaGeneral = (() => {
          const root = general(text);
          return typeof root === 'string' ? root : 'parsed';
        })();
        const outcome = headerOutcome(text);
        expect(String(outcome).startsWith('untyped'), text).toBe(false);
        if (viaGeneral !== 'parsed') expect(outcome, text).toBe(viaGeneral);
      }
    }
    expect(checked).toBeGreaterThan(3000);
    expect(accepted).toBeGreaterThan(300);
  });

  it('hands back declarations, comments, entities, prefixes, single quotes, repeats, text beside attributes and hook content', () => {
    for (const doc of [
      '<?xml version="1.0"?><Msg><ID>1</ID></Msg>',
      '<Msg><!-- c --><ID>1</ID></Msg>',
      '<Msg><ID>&amp;</ID></Msg>',
      '<m:Msg><ID>1</ID></m:Msg>',
      "<Msg><Body Length='1'/></Msg>",
      '<Msg><ID>1</ID><ID>2</ID></Msg>',
      '<Msg><Body Length="1">t</Body></Msg>',
      '<Msg><Hooks><Hook2 Name="clientauth"><Property Name="a">b</Property></Hook2></Hooks></Msg>',
      '<Msg xmlns="urn:x"><ID>1</ID></Msg>',
      '<Msg><ID>1</ID></Msg><Msg/>',
      '<Msg><__proto__>1</__proto__></Msg>',
      '<Msg><Body Length=" 1"/></Msg>',
      '<Msg><Body Length="1"Type="2"/></Msg>',
    ]) {
      expect(readFlatMsgHeader(doc), doc).toBeUndefined();
    }
  });
});
