// The CCM_POST a client sends, from a per-destination CcmTemplate (ccm-template.ts): what buildCcmPost writes,
// byte for byte (test/protocol/mp-ccm-request-writer.test.ts), with only the values that change per message
// (length, id, sent time, sender) written per request.
import { CCM_CONTENT_TYPE } from './ccm-post.ts';
import { CcmTemplate } from './ccm-template.ts';
import type { MsgHeader } from './msg-header.ts';
import type { ZlibDeflate } from './zlib-body.ts';

/** What stays the same for every message a writer frames. */
export interface CcmRequestFrame {
  targetAddress: string;
  targetEndpoint: string;
  targetHost: string;
  replyMode: 'Sync' | 'Async';
  /** zlib-compress the payload (Hook3 zlib-compress); a compressed reply is always asked for. */
  compress: boolean;
  /** Whether messages carry a SourceID (every message but registration). */
  withSourceId: boolean;
  deflate?: ZlibDeflate;
}

/** What changes per message. */
export interface CcmRequestFields {
  id: string;
  /** Required when the frame is `withSourceId`, ignored otherwise. */
  sourceId?: string;
  sourceHost: string;
  sentTime: string;
}

/** Frames CCM_POST request bodies for one destination; build once per frame and reuse. */
export class CcmRequestWriter {
  readonly #template: CcmTemplate;
  readonly #withSourceId: boolean;

  constructor(frame: CcmRequestFrame) {
    this.#withSourceId = frame.withSourceId;
    this.#template = new CcmTemplate(
      ([id, sourceHost, sentTime, sourceId]) =>
        headerOf(frame, { id: id!, sourceHost: sourceHost!, sentTime: sentTime!, sourceId: sourceId! }),
      frame.withSourceId ? 4 : 3,
      frame.compress,
      frame.deflate,
    );
  }

  get contentType(): string {
    return CCM_CONTENT_TYPE;
  }

  /** The whole request body for `payload` (the XML text, without its trailing NUL). */
  write(fields: CcmRequestFields, payload: string): Uint8Array {
    const values = [fields.id, fields.sourceHost, fields.sentTime];
    if (this.#withSourceId) values.push(fields.sourceId ?? '');
    return this.#template.write(values, this.#template.payload(payload));
  }
}

function headerOf(frame: CcmRequestFrame, fields: CcmRequestFields): MsgHeader {
  return {
    id: fields.id,
    sourceHost: fields.sourceHost,
    targetAddress: frame.targetAddress,
    targetEndpoint: frame.targetEndpoint,
    targetHost: frame.targetHost,
    replyCompression: 'zlib',
    sentTime: fields.sentTime,
    replyMode: frame.replyMode,
    ...(frame.withSourceId ? { sourceId: fields.sourceId ?? '' } : {}),
  };
}
