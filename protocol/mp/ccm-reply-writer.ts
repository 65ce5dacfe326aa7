// The CCM_POST an MP answers a Sync request with, from a CcmTemplate per (sender host, reply queue,
// compression): what buildCcmPost writes, byte for byte (test/protocol/mp-ccm-reply-writer.test.ts), with
// only the per-reply values (id, addressee, sent time, correlation) written per reply. The site answers
// every client's policy poll with the same payload, so the caller prepares it once (`payload`).
import { type CcmPayload, CcmTemplate } from './ccm-template.ts';
import type { MsgHeader } from './msg-header.ts';
import type { ZlibDeflate } from './zlib-body.ts';

/** What stays the same for every reply a writer frames. */
export interface CcmReplyFrame {
  sourceHost: string;
  targetEndpoint: string;
  compress: boolean;
  deflate?: ZlibDeflate;
}

/** What changes per reply. */
export interface CcmReplyFields {
  id: string;
  targetAddress: string;
  targetHost: string;
  sentTime: string;
  correlationId: string;
}

export class CcmReplyWriter {
  readonly #template: CcmTemplate;

  constructor(frame: CcmReplyFrame) {
    this.#template = new CcmTemplate(
      ([id, targetAddress, targetHost, sentTime, correlationId]) =>
        replyHeader(frame, {
          id: id!,
          targetAddress: targetAddress!,
          targetHost: targetHost!,
          sentTime: sentTime!,
          correlationId: correlationId!,
        }),
      5,
      frame.compress,
      frame.deflate,
    );
  }

  /** The payload text prepared for this writer's frame (encoded, deflated when it compresses). */
  payload(text: string): CcmPayload {
    return this.#template.payload(text);
  }

  write(fields: CcmReplyFields, payload: CcmPayload): Uint8Array {
    const { id, targetAddress, targetHost, sentTime, correlationId } = fields;
    return this.#template.write([id, targetAddress, targetHost, sentTime, correlationId], payload);
  }
}

/** The Msg header of a reply (the one home of its shape; the writer's template is cut from it). */
export function replyHeader(frame: CcmReplyFrame, fields: CcmReplyFields): MsgHeader {
  return {
    id: fields.id,
    sourceHost: frame.sourceHost,
    targetAddress: fields.targetAddress,
    targetEndpoint: frame.targetEndpoint,
    targetHost: fields.targetHost,
    sentTime: fields.sentTime,
    correlationId: fields.correlationId,
    replyMode: 'Sync',
  };
}
