// One CCM_POST to the management point as the conformance suite sees it (protocol-reference §2.2): the
// request built by protocol/mp, the reply taken apart by hand so each layer can be judged on its own:
// the <Msg> header (is its CorrelationID the request's message ID?), then the zlib payload, whose
// checksum is verified (a damaged reply is reported as corruption, not as XML that does not parse),
// and only then the XML. MpClient hides all of this; checks of the MP's replies need it.
import { randomUUID } from 'node:crypto';
import { inflateRawSync, inflateSync } from 'node:zlib';
import type { HttpClient } from '../../harness/driver/http.ts';
import { utf16leDecode } from '../../protocol/bytes.ts';
import {
  adler32,
  boundaryOf,
  buildCcmPost,
  CCM_POST_METHOD,
  CCM_REQUEST_PATH,
  CCM_USER_AGENT,
  decodeCcmBody,
  formatSentTime,
  type MpEndpoint,
  type MsgHeader,
  parseMsgHeaderXml,
  parseMultipart,
  targetAddressFor,
} from '../../protocol/mp/index.ts';

export interface CcmRequestSpec {
  endpoint: (typeof MpEndpoint)[keyof typeof MpEndpoint];
  body: string;
  /** `GUID:<smsid>` of a registered client. */
  sourceId?: string;
  sourceHost: string;
  now: number;
}

export interface CcmExchange {
  /** The request's message ID, braces included. */
  requestId: string;
  status: number;
  header?: MsgHeader;
  compressed: boolean;
  /** The payload text, when every layer was sound. */
  text?: string;
  /** What is wrong with the reply, one sentence per layer that failed. */
  problems: string[];
}

export async function exchangeCcm(http: HttpClient, mp: URL, spec: CcmRequestSpec): Promise<CcmExchange> {
  const requestId = `{${randomUUID().toUpperCase()}}`;
  const post = buildCcmPost({
    header: {
      id: requestId,
      sourceId: spec.sourceId,
      sourceHost: spec.sourceHost,
      targetAddress: targetAddressFor(spec.endpoint),
      targetEndpoint: spec.endpoint,
      targetHost: mp.hostname,
      replyCompression: 'zlib',
      sentTime: formatSentTime(spec.now),
      replyMode: 'Sync',
    },
    body: spec.body,
    compress: true,
  });
  const res = await http.send(
    CCM_POST_METHOD,
    new URL(CCM_REQUEST_PATH, mp).toString(),
    { 'content-type': post.contentType, 'user-agent': CCM_USER_AGENT },
    post.body,
  );
  const ex: CcmExchange = { requestId, status: res.status, compressed: false, problems: [] };
  if (res.status !== 200) {
    ex.problems.push(`${spec.endpoint} answered HTTP ${res.status}, expected 200 with a reply`);
    return ex;
  }
  let parts: ReturnType<typeof parseMultipart>;
  try {
    parts = parseMultipart(boundaryOf(String(res.headers['content-type'] ?? '')), res.body);
  } catch (err) {
    ex.problems.push(`the ${spec.endpoint} reply is not a CCM multipart message: ${(err as Error).message}`);
    return ex;
  }
  const [first, second] = parts;
  try {
    if (!first) throw new Error('no parts');
    ex.header = parseMsgHeaderXml(utf16leDecode(first.body));
  } catch (err) {
    ex.problems.push(`the ${spec.endpoint} reply's <Msg> header does not parse: ${(err as Error).message}`);
    return ex;
  }
  if (!second) {
    ex.problems.push(`the ${spec.endpoint} reply has a header but no payload part`);
    return ex;
  }
  ex.compressed = (second.headers['content-type'] ?? '').toLowerCase().startsWith('application/octet-stream');
  const payload = ex.compressed ? inflateVerified(second.body, spec.endpoint, ex.problems) : second.body;
  if (payload) ex.text = decodeCcmBody(payload);
  return ex;
}

/** Inflates a zlib (RFC 1950) stream and verifies its Adler-32; on damage, a sentence in `problems`. */
function inflateVerified(bytes: Uint8Array, what: string, problems: string[]): Uint8Array | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 6 || (buf[0]! & 0x0f) !== 8 || ((buf[0]! << 8) | buf[1]!) % 31 !== 0) {
    problems.push(
      `the ${what} reply's compressed payload does not start with a zlib header (first bytes ${buf.subarray(0, 4).toString('hex')}): the reply is corrupt`,
    );
    return undefined;
  }
  try {
    return inflateSync(buf);
  } catch (err) {
    const message = (err as Error).message;
    if (/incorrect data check/i.test(message)) {
      const declared = buf.readUInt32BE(buf.length - 4);
      let actual = 'unknown';
      try {
        actual = adler32(inflateRawSync(buf.subarray(2, buf.length - 4)))
          .toString(16)
          .padStart(8, '0');
      } catch {
        // The deflate data itself is damaged too; the declared checksum is all there is to quote.
      }
      problems.push(
        `the ${what} reply's compressed payload fails its zlib checksum (Adler-32 declared ${declared.toString(16).padStart(8, '0')}, ` +
          `the data inflates to ${actual}): the MP sent corrupt data (a client reading it would see garbage)`,
      );
    } else {
      problems.push(
        `the ${what} reply's compressed payload does not inflate (zlib: ${message}): the reply is corrupt`,
      );
    }
    return undefined;
  }
}
