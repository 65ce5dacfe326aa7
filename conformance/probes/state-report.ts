// Posts one bulk state-message report to the MP relay and returns the raw HTTP answer (status and
// headers), because the backlog check must tell explicit back-pressure (503 + Retry-After) from a
// refusal. Built with protocol/mp like MpClient does; MpClient hides the headers of a refusal.
import { randomUUID } from 'node:crypto';
import type { HttpClient, HttpResponse } from '../../harness/driver/http.ts';
import {
  buildCcmPost,
  buildStateMessageReport,
  CCM_POST_METHOD,
  CCM_REQUEST_PATH,
  CCM_USER_AGENT,
  formatSentTime,
  MpEndpoint,
  type StateMessage,
  targetAddressFor,
} from '../../protocol/mp/index.ts';

/** Topic 500 (per-update detection), state 2 = Required (M-TOPIC); IDType 3 = update unique id. */
export function detectionMessage(serialNumber: number, updateId: string, at: number): StateMessage {
  return {
    serialNumber,
    messageTime: at,
    topicId: updateId,
    topicType: 500,
    topicIdType: 3,
    stateId: 2,
    params: ['200'],
  };
}

export interface ReportSender {
  clientId: string;
  netbiosName: string;
}

export function newReportSender(): ReportSender {
  const id = randomUUID().toUpperCase();
  return { clientId: `GUID:${id}`, netbiosName: `PS${id.slice(0, 8)}` };
}

export async function postStateReport(
  http: HttpClient,
  mp: URL,
  sender: ReportSender,
  messages: StateMessage[],
  now: number,
): Promise<HttpResponse> {
  const post = buildCcmPost({
    header: {
      id: `{${randomUUID().toUpperCase()}}`,
      sourceId: sender.clientId,
      sourceHost: sender.netbiosName,
      targetAddress: targetAddressFor(MpEndpoint.Relay),
      targetEndpoint: MpEndpoint.Relay,
      targetHost: mp.hostname,
      sentTime: formatSentTime(now),
      replyMode: 'Async',
    },
    body: buildStateMessageReport({
      clientId: sender.clientId,
      netbiosName: sender.netbiosName,
      date: now,
      messages,
    }),
    compress: true,
  });
  return http.send(
    CCM_POST_METHOD,
    new URL(CCM_REQUEST_PATH, mp).toString(),
    { 'content-type': post.contentType, 'user-agent': CCM_USER_AGENT },
    post.body,
  );
}
