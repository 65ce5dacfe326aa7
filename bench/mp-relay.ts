// CPU per state-message post in the reference MP, without sockets: the site's whole decision path
// (dispatch, classification, CCM_POST parse, relay, inbox) through the in-process entry, timed with
// process.cpuUsage. On a shared machine this moves far less than a req/s figure, so it is the A/B measure
// for the MP's own work (the HTTP stack and the kernel come on top; `npm run bench:site` has those).
// Usage: npm run bench:mp-relay -- [--posts 20000] [--messages 5,200]
import { parseArgs } from 'node:util';
import {
  buildCcmPost,
  buildStateMessageReport,
  formatSentTime,
  MpEndpoint,
  targetAddressFor,
} from '../protocol/mp/index.ts';
import { createInProcessSite, handleSiteRequest } from '../site/in-process.ts';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '20000' },
    messages: { type: 'string', default: '5,200' },
  },
});

function statePost(count: number): { contentType: string; body: Uint8Array } {
  const now = Date.now();
  const clientId = 'GUID:0B5E0000-0000-4000-8000-00000000BE0C';
  const report = buildStateMessageReport({
    clientId,
    netbiosName: 'BENCH-RELAY',
    date: now,
    messages: Array.from({ length: count }, (_, i) => ({
      serialNumber: i + 1,
      messageTime: now,
      topicId: `0b5e0000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`,
      topicType: 500,
      topicIdType: 3,
      stateId: i % 3 === 0 ? 2 : 1,
      params: [],
    })),
  });
  return buildCcmPost({
    header: {
      id: '{0B5E0000-0000-4000-8000-000000000001}',
      sourceId: clientId,
      sourceHost: 'BENCH-RELAY',
      targetAddress: targetAddressFor(MpEndpoint.Relay),
      targetEndpoint: MpEndpoint.Relay,
      targetHost: 'localhost',
      replyCompression: 'zlib',
      sentTime: formatSentTime(now),
      replyMode: 'Async',
    },
    body: report,
    compress: true,
  });
}

console.log('messages/post  posts  CPU µs/post');
for (const count of values.messages.split(',').map(Number)) {
  const site = createInProcessSite();
  const post = statePost(count);
  const request = {
    method: 'CCM_POST',
    url: 'http://localhost:8080/ccm_system/request',
    headers: { 'content-type': post.contentType },
    body: post.body,
  };
  // Large posts cost ~40x small ones: fewer of them for the same few seconds.
  const posts = Math.max(200, Math.round(Number(values.posts) / Math.max(1, count / 5) ** 0.75));
  for (let i = 0; i < posts / 4; i++) {
    const reply = await handleSiteRequest(site, 'mp', request);
    if (reply.status !== 200) throw new Error(`the MP answered ${reply.status} to a state-message post`);
  }
  const start = process.cpuUsage();
  for (let i = 0; i < posts; i++) await handleSiteRequest(site, 'mp', request);
  const used = process.cpuUsage(start);
  await site.stop();
  console.log(
    `${String(count).padStart(13)}  ${String(posts).padStart(5)}  ${((used.user + used.system) / posts).toFixed(1).padStart(11)}`,
  );
}
