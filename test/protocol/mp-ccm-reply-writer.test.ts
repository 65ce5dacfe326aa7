// The MP's CCM_POST reply writer must write what buildCcmPost writes for the reply header, byte for byte,
// for every queue, compression setting and value (escaped characters, empty values, long payloads), and a
// payload prepared once must serve any number of replies.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type CcmReplyFrame,
  type CcmReplyFields,
  CcmReplyWriter,
  replyHeader,
} from '../../protocol/mp/ccm-reply-writer.ts';
import { buildCcmPost, CCM_CONTENT_TYPE, fflateDeflate, parseCcmPost } from '../../protocol/mp/index.ts';

const PAYLOADS = [
  '<ReplyAssignments SchemaVersion="1.00"><PolicyAssignment/></ReplyAssignments>',
  '',
  `<LocationReply>${'<Site>état &amp; ünïcode 𝄞</Site>'.repeat(500)}</LocationReply>`,
];
const REPLIES: CcmReplyFields[] = [
  {
    id: '{5DD100CD-DF1D-45F5-BA17-A327F43465F8}',
    targetAddress: 'direct:CLIENT0001:SccmMessaging',
    targetHost: 'CLIENT0001',
    sentTime: '2024-01-01T00:00:00Z',
    correlationId: '{0F2B4C1E-0000-4000-8000-000000000001}',
  },
  {
    id: '{A&B}',
    targetAddress: 'direct:<x>:"y"',
    targetHost: "PC'&<1>",
    sentTime: '2024-12-31T23:59:59Z',
    correlationId: '{1}',
  },
  { id: '{1}', targetAddress: '', targetHost: 'PC2', sentTime: '2024-01-01T00:00:00Z', correlationId: '{2}' },
  {
    id: '{1}',
    targetAddress: 'direct:PC3:SccmMessaging',
    targetHost: 'PC3',
    sentTime: '2024-01-01T00:00:00Z',
    correlationId: '',
  },
];

describe('CcmReplyWriter', () => {
  for (const queue of ['PolicyAgent_ReplyAssignments', 'LS_ReplyLocations', 'SccmMessaging']) {
    for (const compress of [true, false]) {
      it(`writes buildCcmPost's bytes: ${queue}, compress ${compress}`, () => {
        for (const deflate of [fflateDeflate, (b: Uint8Array) => deflateSync(b)]) {
          const frame: CcmReplyFrame = {
            sourceHost: 'mp&1.contoso.com',
            targetEndpoint: queue,
            compress,
            deflate,
          };
          const writer = new CcmReplyWriter(frame);
          for (const text of PAYLOADS) {
            const payload = writer.payload(text);
            for (const fields of REPLIES) {
              const reference = buildCcmPost({
                header: replyHeader(frame, fields),
                body: text,
                compress,
                deflate,
              }).body;
              expect(Buffer.from(writer.write(fields, payload)).equals(Buffer.from(reference))).toBe(true);
            }
          }
        }
      });
    }
  }

  it('frames what parseCcmPost reads back', () => {
    const writer = new CcmReplyWriter({
      sourceHost: 'MP01',
      targetEndpoint: 'LS_ReplyLocations',
      compress: true,
    });
    const parsed = parseCcmPost(CCM_CONTENT_TYPE, writer.write(REPLIES[1]!, writer.payload(PAYLOADS[2]!)));
    expect(parsed.body).toBe(PAYLOADS[2]);
    expect(parsed.header).toMatchObject({
      id: '{A&B}',
      targetHost: "PC'&<1>",
      correlationId: '{1}',
      sourceHost: 'MP01',
      compressed: true,
    });
  });
});
