// CCM_POST replies: the same multipart framing as requests, addressed back to the sender's ReplyTo and
// correlated with its message id, zlib-compressed when the request asked for ReplyCompression="zlib".
// Written from a CcmReplyWriter per (queue, compression): a policy poll's reply is the same payload for
// every client, so it is encoded and deflated once per distinct text, and only the header values are
// written per reply (buildCcmPost per reply was ~17 % of the site's CPU in a day's mix).
import { randomUUID } from 'node:crypto';
import { buildCcmPost, CCM_CONTENT_TYPE, formatSentTime, type MsgHeader } from '../../protocol/mp/index.ts';
import { type CcmReplyFrame, CcmReplyWriter, replyHeader } from '../../protocol/mp/ccm-reply-writer.ts';
import type { CcmPayload } from '../../protocol/mp/ccm-template.ts';
import type { SiteModel } from '../model.ts';
import type { SiteReply } from '../types.ts';
import { corruptDeflate, nodeDeflate } from './node-zlib.ts';

interface WriterSlot {
  writer: CcmReplyWriter;
  /** The last payload this writer prepared: replies repeat byte for byte across clients. */
  last?: CcmPayload;
}

/** Writers by `${sourceHost}\0${queue}\0${compress}` (a handful per site). */
const writers = new Map<string, WriterSlot>();

export function ccmReply(model: SiteModel, request: MsgHeader, replyQueue: string, body: string): SiteReply {
  const compress = request.replyCompression === 'zlib';
  const frame: CcmReplyFrame = {
    sourceHost: model.config.hostName,
    targetEndpoint: replyQueue,
    compress,
    deflate: nodeDeflate,
  };
  const fields = {
    id: `{${randomUUID().toUpperCase()}}`,
    targetAddress: request.replyTo ?? `direct:${request.sourceHost}:SccmMessaging`,
    targetHost: request.sourceHost,
    sentTime: formatSentTime(model.clock.now()),
    // 'wrong-correlation-id': a fresh id, so a client cannot match the reply to its request.
    correlationId: model.violations.has('wrong-correlation-id')
      ? `{${randomUUID().toUpperCase()}}`
      : request.id,
  };
  let bytes: Uint8Array;
  if (model.violations.has('corrupt-compressed-reply')) {
    bytes = buildCcmPost({
      header: replyHeader(frame, fields),
      body,
      compress,
      deflate: corruptDeflate,
    }).body;
  } else {
    const slot = writerFor(frame);
    if (slot.last?.text !== body) slot.last = slot.writer.payload(body);
    bytes = slot.writer.write(fields, slot.last);
  }
  return {
    status: 200,
    headers: { 'content-type': CCM_CONTENT_TYPE },
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

function writerFor(frame: CcmReplyFrame): WriterSlot {
  const key = `${frame.sourceHost}\0${frame.targetEndpoint}\0${frame.compress}`;
  let slot = writers.get(key);
  if (slot === undefined) {
    slot = { writer: new CcmReplyWriter(frame) };
    writers.set(key, slot);
  }
  return slot;
}

/** The answer to an asynchronous message (state messages): accepted, nothing to say. */
export const ACCEPTED: SiteReply = { status: 200, headers: { 'content-length': 0 } };
