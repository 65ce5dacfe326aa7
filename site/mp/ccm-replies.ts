// CCM_POST replies: the same multipart framing as requests, addressed back to the sender's ReplyTo and
// correlated with its message id, zlib-compressed when the request asked for ReplyCompression="zlib".
import { randomUUID } from 'node:crypto';
import { buildCcmPost, formatSentTime, type MsgHeader, memoizeLast } from '../../protocol/mp/index.ts';
import type { SiteModel } from '../model.ts';
import type { SiteReply } from '../types.ts';
import { corruptDeflate, nodeDeflate } from './node-zlib.ts';

/** Policy and location replies repeat byte for byte across clients: each distinct one is deflated once. */
const replyDeflate = memoizeLast(nodeDeflate);

export function ccmReply(model: SiteModel, request: MsgHeader, replyQueue: string, body: string): SiteReply {
  const header: MsgHeader = {
    id: `{${randomUUID().toUpperCase()}}`,
    sourceHost: model.config.hostName,
    targetAddress: request.replyTo ?? `direct:${request.sourceHost}:SccmMessaging`,
    targetEndpoint: replyQueue,
    targetHost: request.sourceHost,
    sentTime: formatSentTime(model.clock.now()),
    // 'wrong-correlation-id': a fresh id, so a client cannot match the reply to its request.
    correlationId: model.violations.has('wrong-correlation-id')
      ? `{${randomUUID().toUpperCase()}}`
      : request.id,
    replyMode: 'Sync',
  };
  const post = buildCcmPost({
    header,
    body,
    compress: request.replyCompression === 'zlib',
    deflate: model.violations.has('corrupt-compressed-reply') ? corruptDeflate : replyDeflate,
  });
  return {
    status: 200,
    headers: { 'content-type': post.contentType },
    body: Buffer.from(post.body.buffer, post.body.byteOffset, post.body.byteLength),
  };
}

/** The answer to an asynchronous message (state messages): accepted, nothing to say. */
export const ACCEPTED: SiteReply = { status: 200, headers: { 'content-length': 0 } };
