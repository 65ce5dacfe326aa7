// The client's CCM_POST template writer must write what buildCcmPost writes, byte for byte, for every
// endpoint, reply mode, compression setting and value (escaped characters, empty values, long payloads).
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CcmRequestWriter, type CcmRequestFrame } from '../../protocol/mp/ccm-request-writer.ts';
import {
  buildCcmPost,
  fflateDeflate,
  MpEndpoint,
  parseCcmPost,
  targetAddressFor,
} from '../../protocol/mp/index.ts';

const PAYLOADS = [
  '<RequestAssignments SchemaVersion="1.00"><ServerCookie/></RequestAssignments>',
  '',
  `<Report>${'<Msg>état &amp; ünïcode 𝄞</Msg>'.repeat(500)}</Report>`,
];
const SENDERS = [
  {
    id: '{5DD100CD-DF1D-45F5-BA17-A327F43465F8}',
    sourceId: 'GUID:4E84FAEF-B5D5-474F-8C0C-0026DAB8C514',
    sourceHost: 'CLIENT0001',
    sentTime: '2024-01-01T00:00:00Z',
  },
  { id: '{A&B}', sourceId: 'GUID:<x>"y"', sourceHost: "PC'&<1>", sentTime: '2024-12-31T23:59:59Z' },
  { id: '{1}', sourceId: '', sourceHost: 'PC2', sentTime: '2024-01-01T00:00:00Z' },
  { id: '{1}', sourceId: 'GUID:1', sourceHost: '', sentTime: '2024-01-01T00:00:00Z' },
];

function reference(frame: CcmRequestFrame, s: (typeof SENDERS)[number], payload: string): Uint8Array {
  return buildCcmPost({
    header: {
      id: s.id,
      ...(frame.withSourceId ? { sourceId: s.sourceId } : {}),
      sourceHost: s.sourceHost,
      targetAddress: frame.targetAddress,
      targetEndpoint: frame.targetEndpoint,
      targetHost: frame.targetHost,
      replyCompression: 'zlib',
      sentTime: s.sentTime,
      replyMode: frame.replyMode,
    },
    body: payload,
    compress: frame.compress,
    deflate: frame.deflate,
  }).body;
}

describe('CcmRequestWriter', () => {
  for (const endpoint of Object.values(MpEndpoint)) {
    for (const compress of [true, false]) {
      for (const replyMode of ['Sync', 'Async'] as const) {
        for (const withSourceId of [true, false]) {
          it(`writes buildCcmPost's bytes: ${endpoint}, compress ${compress}, ${replyMode}, SourceID ${withSourceId}`, () => {
            for (const deflate of [fflateDeflate, (b: Uint8Array) => deflateSync(b)]) {
              const frame: CcmRequestFrame = {
                targetAddress: targetAddressFor(endpoint),
                targetEndpoint: endpoint,
                targetHost: 'mp&1.contoso.com',
                replyMode,
                compress,
                withSourceId,
                deflate,
              };
              const writer = new CcmRequestWriter(frame);
              for (const s of SENDERS) {
                for (const payload of PAYLOADS) {
                  const written = writer.write(s, payload);
                  expect(Buffer.from(written).equals(Buffer.from(reference(frame, s, payload)))).toBe(true);
                }
              }
            }
          });
        }
      }
    }
  }

  it('frames what parseCcmPost reads back', () => {
    const writer = new CcmRequestWriter({
      targetAddress: 'mp:MP_PolicyManager',
      targetEndpoint: 'MP_PolicyManager',
      targetHost: 'mp',
      replyMode: 'Sync',
      compress: true,
      withSourceId: true,
    });
    const parsed = parseCcmPost(writer.contentType, writer.write(SENDERS[1]!, PAYLOADS[2]!));
    expect(parsed.body).toBe(PAYLOADS[2]);
    expect(parsed.header).toMatchObject({
      id: '{A&B}',
      sourceId: 'GUID:<x>"y"',
      sourceHost: "PC'&<1>",
      compressed: true,
    });
  });
});
