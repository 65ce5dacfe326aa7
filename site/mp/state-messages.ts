// MP_RelayEndpoint: a client's bulk state-message report becomes one inbox entry (the .SMX file a real
// MP drops for StateSys). The MP only parses and enqueues; loading happens later at the processor's rate.
import { type StateMessageReport, parseStateMessageReport } from '../../protocol/mp/index.ts';
import type { AcceptVerdict, StateSystem } from '../statemsg/index.ts';
import type { InboundReport } from '../statemsg/types.ts';

export function toInboundReport(report: StateMessageReport): InboundReport {
  return {
    clientId: report.clientId,
    messages: report.messages.map((m) => ({
      serialNumber: m.serialNumber,
      messageTime: m.messageTime,
      topicType: m.topicType,
      topicId: m.topicId,
      stateId: m.stateId,
    })),
  };
}

/** Parses and enqueues a report body; throws the codec's typed errors for a malformed one. */
export function relayStateReport(states: StateSystem, body: string): AcceptVerdict {
  return states.accept(toInboundReport(parseStateMessageReport(body)));
}
