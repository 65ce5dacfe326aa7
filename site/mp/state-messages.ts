// MP_RelayEndpoint: a client's bulk state-message report becomes one inbox entry, the .SMX file a real
// MP drops for StateSys. The relay does not parse the report's XML: it checks the root, reads the
// client id and counts the messages, and keeps the request's wire bytes (zlib-compressed, a few bytes
// per message). The processor parses the report when it reaches it, at its own finite rate, so a
// burst of posts costs the MP little CPU and a deep backlog little memory.
import { parseCcmPost, parseStateMessageReport, type StateMessageReport } from '../../protocol/mp/index.ts';
import type { AcceptVerdict, StateSystem } from '../statemsg/index.ts';
import type { InboundMessage } from '../statemsg/types.ts';
import { ownString } from '../own-string.ts';
import { NODE_CCM_PARSE } from './node-ccm-parse.ts';

function toInboundMessages(report: StateMessageReport): InboundMessage[] {
  return report.messages.map((m) => ({
    serialNumber: m.serialNumber,
    messageTime: m.messageTime,
    topicType: m.topicType,
    topicId: m.topicId,
    stateId: m.stateId,
  }));
}

/** Why a relay payload was refused at the door (the MP answers 500 and counts it). */
export class RelayPayloadError extends Error {
  override readonly name = 'RelayPayloadError';
}

const CLIENT_ID = /<ClientID>\s*([^<\s]+)\s*<\/ClientID>/;

/**
 * Enqueues a report from its decoded body text (for the cheap checks) and the request's wire bytes
 * (kept for the processor). Throws RelayPayloadError when it is not a state-message report at all.
 */
export function relayStateReport(
  states: StateSystem,
  body: string,
  contentType: string,
  wire: Uint8Array,
): AcceptVerdict {
  if (!/^\s*(?:<\?xml[^>]*\?>\s*)?<Report[\s>]/.test(body)) {
    throw new RelayPayloadError('relay payload is not a state-message <Report>');
  }
  const match = CLIENT_ID.exec(body)?.[1];
  if (match === undefined) throw new RelayPayloadError('state-message report without a ClientID');
  // The state system keeps the id for the run (known clients, serials, compliance): not a view of the body.
  const clientId = ownString(match);
  // Own copy of exactly the request bytes: the listener's buffer may be a view of a larger one.
  const bytes = wire.slice();
  return states.accept({
    clientId,
    messageCount: countMessages(body),
    load: () =>
      toInboundMessages(parseStateMessageReport(parseCcmPost(contentType, bytes, NODE_CCM_PARSE).body)),
  });
}

/** Occurrences of a `<StateMessage` start tag. */
function countMessages(body: string): number {
  let n = 0;
  for (let at = body.indexOf('<StateMessage'); at !== -1; at = body.indexOf('<StateMessage', at + 13)) {
    const next = body.charCodeAt(at + 13);
    // '<StateMessage ' or '<StateMessage>' (not '<StateMessages' or another longer name).
    if (next === 32 || next === 62 || next === 9 || next === 10 || next === 13 || next === 47) n += 1;
  }
  return n;
}
