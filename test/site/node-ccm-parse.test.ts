// The site parses CCM_POSTs with node:zlib and Buffer's UTF-16LE decoder (site/mp/node-ccm-parse.ts): it
// must read every message, and refuse every bad one, exactly as protocol/'s portable defaults do.
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8Encode, utf16leDecode, utf16leEncode } from '../../protocol/bytes.ts';
import {
  buildCcmPost,
  buildStateMessageReport,
  CCM_CONTENT_TYPE,
  MpEndpoint,
  MpProtocolError,
  parseCcmPost,
} from '../../protocol/mp/index.ts';
import { XmlError } from '../../protocol/xml.ts';
import { NODE_CCM_PARSE, nodeUtf16leDecode } from '../../site/mp/node-ccm-parse.ts';

/** The result of a parse, or the typed error it threw, as comparable data. */
function outcome(contentType: string, bytes: Uint8Array, options = {}): unknown {
  try {
    return parseCcmPost(contentType, bytes, options);
  } catch (err) {
    if (err instanceof MpProtocolError || err instanceof XmlError) return `${err.name}:${err.kind}`;
    return `untyped:${(err as Error).message}`;
  }
}

describe('nodeUtf16leDecode', () => {
  it('decodes as utf16leDecode does: BOM, one trailing NUL, odd byte, lone surrogates, long text', () => {
    const cases = [
      [],
      [0xff, 0xfe],
      [0xff, 0xfe, 0x41, 0x00, 0x42, 0x00, 0x00, 0x00],
      [0x41, 0x00, 0x00, 0x00, 0x00, 0x00],
      [0x41, 0x00, 0x42],
      [0x00, 0xd8, 0x41, 0x00],
      [0x41, 0x00, 0x00, 0xdc],
      [0x3d, 0xd8, 0x00, 0xde, 0x00, 0x00],
      [0xfe, 0xff, 0x00, 0x41],
    ].map((b): Uint8Array => new Uint8Array(b));
    cases.push(utf16leEncode(`😀${'x'.repeat(20_000)}é\0`, true));
    for (const bytes of cases) expect(nodeUtf16leDecode(bytes)).toBe(utf16leDecode(bytes));
  });

  it('decodes a view at an odd offset of a larger buffer', () => {
    const whole = concatBytes(new Uint8Array([7]), utf16leEncode('Ab€', true), new Uint8Array([9, 9]));
    const view = whole.subarray(1, whole.length - 2);
    expect(nodeUtf16leDecode(view)).toBe('Ab€');
  });

  it('matches on random bytes', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 200; n++) {
      const bytes = new Uint8Array(rand() % 64);
      for (let k = 0; k < bytes.length; k++) bytes[k] = rand() & 0xff;
      expect(nodeUtf16leDecode(bytes)).toBe(utf16leDecode(bytes));
    }
  });
});

describe('parseCcmPost with the site options', () => {
  const report = buildStateMessageReport({
    clientId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
    netbiosName: 'CLIENT0001',
    date: Date.UTC(2024, 0, 1),
    messages: Array.from({ length: 20 }, (_, i) => ({
      serialNumber: i + 1,
      messageTime: Date.UTC(2024, 0, 1),
      topicId: `0b5e0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      topicType: 500,
      topicIdType: 3,
      stateId: 2,
      params: [],
    })),
  });
  const header = {
    id: '{5DD100CD-DF1D-45F5-BA17-A327F43465F8}',
    sourceId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
    sourceHost: 'CLIENT0001',
    targetAddress: 'mp:MP_RelayEndpoint',
    targetEndpoint: MpEndpoint.Relay,
    targetHost: 'mp.contoso.com',
    sentTime: '2024-01-01T00:00:00Z',
    replyMode: 'Async' as const,
  };

  it('reads compressed and plain posts, and refuses lone surrogates, as the portable defaults do', () => {
    for (const compress of [true, false]) {
      for (const body of [report, `<Report>\ud800</Report>`, `<R>é😀</R>`]) {
        const post = buildCcmPost({ header, body, compress });
        const native = outcome(post.contentType, post.body, NODE_CCM_PARSE);
        expect(native).toEqual(outcome(post.contentType, post.body));
      }
    }
    const post = buildCcmPost({ header, body: report, compress: true });
    expect((parseCcmPost(post.contentType, post.body, NODE_CCM_PARSE) as { body: string }).body).toBe(report);
  });

  it('gives the same result or the same typed error on mutated posts', () => {
    const good = buildCcmPost({ header, body: report, compress: false }).body;
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 300; n++) {
      const bytes = good.slice();
      for (let k = 0; k < 4; k++) bytes[rand() % bytes.length] = rand() & 0xff;
      expect(outcome(CCM_CONTENT_TYPE, bytes, NODE_CCM_PARSE)).toEqual(outcome(CCM_CONTENT_TYPE, bytes));
    }
  });

  it('reads a big-endian header (FE FF) as the portable decoder does', () => {
    const le = utf16leEncode('<Msg><ID>{1}</ID><TargetAddress>mp:MP_RelayEndpoint</TargetAddress></Msg>');
    const be = new Uint8Array(le.length + 2);
    be[0] = 0xfe;
    be[1] = 0xff;
    for (let i = 0; i + 1 < le.length; i += 2) {
      be[i + 2] = le[i + 1]!;
      be[i + 3] = le[i]!;
    }
    const ascii = (s: string) => utf8Encode(s);
    const body = concatBytes(ascii('--B\r\ncontent-type: text/plain\r\n\r\n'), be, ascii('\r\n--B--'));
    const native = outcome('multipart/mixed; boundary=B', body, NODE_CCM_PARSE);
    expect(native).toEqual(outcome('multipart/mixed; boundary=B', body));
    expect((native as { header: { id: string } }).header.id).toBe('{1}');
  });
});
