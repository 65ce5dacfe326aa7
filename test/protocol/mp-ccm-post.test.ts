import { inflateSync } from 'node:zlib';
import { unzlibSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8Encode, utf16leDecode, utf16leEncode } from '../../protocol/bytes.ts';
import {
  buildCcmPost,
  CCM_BOUNDARY,
  CCM_CONTENT_TYPE,
  inflateCcmBody,
  type MsgHeader,
  memoizeLast,
  MpProtocolError,
  parseCcmPost,
  parseMultipart,
  platformInflate,
} from '../../protocol/mp/index.ts';
import { XmlError } from '../../protocol/xml.ts';

const HEADER: MsgHeader = {
  id: '{5DD100CD-DF1D-45F5-BA17-A327F43465F8}',
  sourceId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
  sourceHost: 'CLIENT0001',
  targetAddress: 'mp:MP_PolicyManager',
  targetEndpoint: 'MP_PolicyManager',
  targetHost: 'mp.contoso.com',
  replyCompression: 'zlib',
  sentTime: '2024-01-01T00:00:00Z',
  clientAuth: { AuthSenderMachine: 'CLIENT0001', ClientCapabilities: 'NonSSL' },
};
const BODY = '<RequestAssignments SchemaVersion="1.00"><ServerCookie/></RequestAssignments>';

const ascii = (s: string) => utf8Encode(s);
const latin = (b: Uint8Array) => String.fromCharCode(...b);

function findBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

describe('buildCcmPost bytes', () => {
  const post = buildCcmPost({ header: HEADER, body: BODY, compress: true });
  const parts = parseMultipart(CCM_BOUNDARY, post.body);

  it('uses the fixed quoted boundary and the sender framing', () => {
    expect(post.contentType).toBe('multipart/mixed; boundary="aAbBcCdDv1234567890VxXyYzZ"');
    const text = latin(post.body);
    expect(text.startsWith(`--${CCM_BOUNDARY}\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\n`)).toBe(
      true,
    );
    expect(text).toContain(`\r\n--${CCM_BOUNDARY}\r\ncontent-type: application/octet-stream\r\n\r\n`);
    expect(text.endsWith(`\r\n--${CCM_BOUNDARY}--`)).toBe(true);
    expect(parts).toHaveLength(2);
  });

  it('part 1 is UTF-16LE with a BOM and announces zlib with Hook3 and the body length', () => {
    const header = parts[0]!.body;
    expect([header[0], header[1]]).toEqual([0xff, 0xfe]);
    const xml = utf16leDecode(header);
    expect(xml.startsWith('<Msg ReplyCompression="zlib" SchemaVersion="1.1"><Body Type="ByteRange"')).toBe(
      true,
    );
    expect(xml).toContain('<Hook3 Name="zlib-compress"/>');
    expect(xml).toContain(`Length="${BODY.length * 2 + 2}"`);
  });

  it('part 2 inflates to UTF-16LE ending with a NUL code unit and an ASCII CRLF', () => {
    const raw = unzlibSync(parts[1]!.body);
    expect(raw.length).toBe(BODY.length * 2 + 4);
    expect([...raw.subarray(-4)]).toEqual([0, 0, 0x0d, 0x0a]);
    expect([...raw.subarray(0, 4)]).toEqual([0x3c, 0x00, 0x52, 0x00]); // "<R", no BOM
    expect(utf16leDecode(raw.subarray(0, -2))).toBe(BODY);
  });

  it('the uncompressed variant sends a second text/plain UTF-16 part without Hook3', () => {
    const plain = buildCcmPost({ header: HEADER, body: BODY, compress: false });
    const [head, body] = parseMultipart(CCM_BOUNDARY, plain.body);
    expect(body!.headers['content-type']).toBe('text/plain; charset=UTF-16');
    expect(utf16leDecode(head!.body)).not.toContain('Hook3');
    expect([...body!.body.subarray(-4)]).toEqual([0, 0, 0x0d, 0x0a]);
  });
});

describe('parseCcmPost', () => {
  it('round-trips requests and replies, compressed or not', () => {
    for (const compress of [true, false]) {
      const post = buildCcmPost({ header: HEADER, body: BODY, compress });
      const parsed = parseCcmPost(post.contentType, post.body);
      expect(parsed.body).toBe(BODY);
      expect(parsed.compressed).toBe(compress);
      expect(parsed.header).toEqual({
        ...HEADER,
        bodyLength: BODY.length * 2 + 2,
        compressed: compress,
        replyTo: 'direct:CLIENT0001:SccmMessaging',
        replyMode: 'Sync',
        timeout: 60000,
        priority: 0,
        correlationId: '{00000000-0000-0000-0000-000000000000}',
      });
    }
  });

  it('round-trips non-ASCII text and a header without SourceID (registration)', () => {
    const { sourceId: _omit, clientAuth: _none, ...registration } = HEADER;
    const body = 'Größe – 日本語 😀';
    const post = buildCcmPost({ header: registration, body, compress: true });
    const parsed = parseCcmPost(post.contentType, post.body);
    expect(parsed.body).toBe(body);
    expect(parsed.header.sourceId).toBeUndefined();
    expect(parsed.header.clientAuth).toBeUndefined();
  });

  it('accepts an unquoted boundary, odd case, LF line ends and a preamble', () => {
    const headerBytes = utf16leEncode(
      '<Msg><ID>{1}</ID><TargetAddress>mp:MP_RelayEndpoint</TargetAddress></Msg>',
      true,
    );
    const payload = concatBytes(utf16leEncode('<Report/>'), new Uint8Array([0, 0, 13, 10]));
    const body = concatBytes(
      ascii('preamble\n--XyZ\nContent-Type: text/plain; charset=UTF-16\n\n'),
      headerBytes,
      ascii('\n--XyZ\nCONTENT-TYPE: Application/Octet-Stream\n\n'),
      zlibSync(payload),
      ascii('\n--XyZ--\n'),
    );
    const parsed = parseCcmPost('Multipart/Mixed;  Boundary=XyZ', body);
    expect(parsed.body).toBe('<Report/>');
    expect(parsed.header.id).toBe('{1}');
  });

  it('accepts a big-endian header with an FE FF mark and a body ending in UTF-16 CRLF', () => {
    const le = utf16leEncode('<Msg><ID>{2}</ID><TargetAddress>mp:x</TargetAddress></Msg>');
    const be = new Uint8Array(le.length + 2);
    be[0] = 0xfe;
    be[1] = 0xff;
    for (let i = 0; i < le.length; i += 2) {
      be[i + 2] = le[i + 1]!;
      be[i + 3] = le[i]!;
    }
    const payload = concatBytes(utf16leEncode('<A/>\0\r\n'));
    const body = concatBytes(
      ascii(`--B\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\n`),
      be,
      ascii('\r\n--B\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\n'),
      payload,
      ascii('\r\n--B--'),
    );
    const parsed = parseCcmPost('multipart/mixed; boundary="B"', body);
    expect(parsed.header.id).toBe('{2}');
    expect(parsed.body).toBe('<A/>');
  });

  it('a header-only message has an empty body', () => {
    const full = buildCcmPost({ header: HEADER, body: BODY, compress: true }).body;
    const text = latin(full);
    const cut = text.indexOf(`\r\n--${CCM_BOUNDARY}\r\ncontent-type: application/octet-stream`);
    const headerOnly = concatBytes(full.subarray(0, cut), ascii(`\r\n--${CCM_BOUNDARY}--`));
    expect(parseCcmPost(CCM_CONTENT_TYPE, headerOnly).body).toBe('');
  });
});

describe('parseCcmPost hostile input', () => {
  const good = buildCcmPost({ header: HEADER, body: BODY, compress: true }).body;
  const kindOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (err instanceof MpProtocolError || err instanceof XmlError) return `${err.name}:${err.kind}`;
      return `untyped:${(err as Error).message}`;
    }
    return 'no error';
  };

  it('rejects a non-multipart content type or one without boundary', () => {
    expect(kindOf(() => parseCcmPost('text/xml', good))).toBe('MpProtocolError:content-type');
    expect(kindOf(() => parseCcmPost('multipart/mixed', good))).toBe('MpProtocolError:content-type');
  });

  it('rejects a wrong boundary', () => {
    expect(kindOf(() => parseCcmPost('multipart/mixed; boundary="nope"', good))).toBe(
      'MpProtocolError:multipart',
    );
  });

  it('rejects a body missing its final boundary', () => {
    const cut = findBytes(good, ascii(`\r\n--${CCM_BOUNDARY}--`));
    expect(kindOf(() => parseCcmPost(CCM_CONTENT_TYPE, good.subarray(0, cut)))).toBe(
      'MpProtocolError:multipart',
    );
    expect(kindOf(() => parseCcmPost(CCM_CONTENT_TYPE, good.subarray(0, 40)))).toBe(
      'MpProtocolError:multipart',
    );
  });

  it('rejects garbage and truncated zlib', () => {
    const garbage = concatBytes(
      good.subarray(0, findBytes(good, ascii('octet-stream\r\n\r\n')) + 16),
      ascii('this is not zlib at all'),
      ascii(`\r\n--${CCM_BOUNDARY}--`),
    );
    expect(kindOf(() => parseCcmPost(CCM_CONTENT_TYPE, garbage))).toBe('MpProtocolError:zlib');
    const stream = zlibSync(utf16leEncode(BODY.repeat(50)));
    expect(kindOf(() => inflateCcmBody(stream.subarray(0, stream.length >> 1)))).toBe('MpProtocolError:zlib');
    expect(kindOf(() => inflateCcmBody(new Uint8Array(0)))).toBe('MpProtocolError:zlib');
  });

  it('stops a zlib bomb at the output cap', () => {
    const bomb = zlibSync(new Uint8Array(24 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    expect(kindOf(() => inflateCcmBody(bomb))).toBe('MpProtocolError:too-large');
  });

  it('rejects a 20 MB body before looking at it', () => {
    expect(kindOf(() => parseCcmPost(CCM_CONTENT_TYPE, new Uint8Array(20 * 1024 * 1024)))).toBe(
      'MpProtocolError:too-large',
    );
  });

  it('rejects a header with a DOCTYPE and a header that is not a Msg', () => {
    const doctype = utf16leEncode('<!DOCTYPE x [<!ENTITY a "aaaa">]><Msg><ID>&a;</ID></Msg>', true);
    const notMsg = utf16leEncode('<Other/>', true);
    for (const [header, expected] of [
      [doctype, 'XmlError:doctype'],
      [notMsg, 'MpProtocolError:shape'],
    ] as const) {
      const body = concatBytes(ascii('--B\r\ncontent-type: text/plain\r\n\r\n'), header, ascii('\r\n--B--'));
      expect(kindOf(() => parseCcmPost('multipart/mixed; boundary=B', body))).toBe(expected);
    }
  });

  it('never throws an untyped error on random bytes', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 300; n++) {
      const bytes = good.slice();
      for (let k = 0; k < 8; k++) bytes[rand() % bytes.length] = rand() & 0xff;
      const kind = kindOf(() => parseCcmPost(CCM_CONTENT_TYPE, bytes));
      expect(kind.startsWith('untyped')).toBe(false);
    }
  });
});

describe('platformInflate(node:zlib inflateSync): the Node callers’ inflate behaves like the portable one', () => {
  const inflate = platformInflate(inflateSync);
  const kindOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (err instanceof MpProtocolError) return `${err.name}:${err.kind}`;
      return `untyped:${(err as Error).message}`;
    }
    return 'no error';
  };

  it('parses the same message as the default inflate', () => {
    const post = buildCcmPost({ header: HEADER, body: BODY.repeat(20), compress: true });
    const native = parseCcmPost(post.contentType, post.body, { inflate });
    expect(native).toEqual(parseCcmPost(post.contentType, post.body));
    expect(native.body).toBe(BODY.repeat(20));
  });

  it('garbage, truncated and empty streams are typed zlib errors; a bomb stops at the cap', () => {
    const stream = zlibSync(utf16leEncode(BODY.repeat(50)));
    expect(kindOf(() => inflate(ascii('this is not zlib at all'), 1 << 20))).toBe('MpProtocolError:zlib');
    expect(kindOf(() => inflate(stream.subarray(0, stream.length >> 1), 1 << 20))).toBe(
      'MpProtocolError:zlib',
    );
    expect(kindOf(() => inflate(new Uint8Array(0), 1 << 20))).toBe('MpProtocolError:zlib');
    const bomb = zlibSync(new Uint8Array(24 * 1024 * 1024), { level: 9 });
    expect(kindOf(() => inflate(bomb, 16 * 1024 * 1024))).toBe('MpProtocolError:too-large');
  });
});

describe('memoizeLast', () => {
  it('computes a repeated input once, and again when the bytes or the cap change', () => {
    let calls = 0;
    const inflate = memoizeLast(
      platformInflate((bytes, options) => {
        calls++;
        return inflateSync(bytes, options);
      }),
    );
    const a = zlibSync(utf16leEncode('<a/>'));
    const first = inflate(a, 1000);
    expect(inflate(a.slice(), 1000)).toBe(first);
    expect(calls).toBe(1);
    const b = a.slice();
    b[b.length - 1] = b[b.length - 1]! ^ 1; // same length, one byte differs (a bad checksum)
    expect(() => inflate(b, 1000)).toThrow(MpProtocolError);
    expect(inflate(a, 999)).toEqual(first);
    expect(calls).toBe(3);
  });
});
