// The state-message inbox: what MP_Relay drops into statesys.box\incoming on a real site. Accepting
// is an O(1) append so the MP can answer a post at once however deep the backlog is; the processor
// drains it at its own finite rate. Nothing accepted is ever discarded: a report leaves the queue
// only after every one of its messages went through the processor.
//
// Real StateSys picks .SMX files in alphabetical (effectively random) order; we drain first in,
// first out so that the age of the oldest waiting report is a meaningful backlog figure.
import type { InboundMessage, InboundReport } from './types.ts';

interface Waiting {
  report: InboundReport;
  /** Site time of acceptance. */
  acceptedAt: number;
  /** Messages of this report already processed (a report may be split across processing steps). */
  done: number;
}

/** Queues are compacted when this many consumed slots sit at the front (amortised O(1) shift). */
const COMPACT_AFTER = 4096;

export class StateMessageInbox {
  #queue: Waiting[] = [];
  #head = 0;
  #depthMessages = 0;
  #acceptedReports = 0;
  #acceptedMessages = 0;

  /** Appends a report; returns the number of messages it carried. */
  accept(report: InboundReport, now: number): number {
    this.#acceptedReports += 1;
    this.#acceptedMessages += report.messages.length;
    if (report.messages.length === 0) return 0;
    this.#queue.push({ report, acceptedAt: now, done: 0 });
    this.#depthMessages += report.messages.length;
    return report.messages.length;
  }

  /**
   * Counts a report as accepted without queueing it: only the 'drop-state-messages' violation uses
   * this, to behave like a site that answers 200 and then loses the file.
   */
  acceptAndLose(report: InboundReport): void {
    this.#acceptedReports += 1;
    this.#acceptedMessages += report.messages.length;
  }

  /** Hands up to `max` waiting messages, oldest first, to `visit`; returns how many it handed over. */
  take(max: number, visit: (clientId: string, message: InboundMessage) => void): number {
    let taken = 0;
    while (taken < max && this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head]!;
      const { messages, clientId } = entry.report;
      const end = Math.min(messages.length, entry.done + (max - taken));
      for (let i = entry.done; i < end; i++) visit(clientId, messages[i]!);
      taken += end - entry.done;
      entry.done = end;
      if (end === messages.length) {
        this.#queue[this.#head] = undefined as unknown as Waiting;
        this.#head += 1;
      }
    }
    this.#depthMessages -= taken;
    this.#compact();
    return taken;
  }

  get depthMessages(): number {
    return this.#depthMessages;
  }

  get depthReports(): number {
    return this.#queue.length - this.#head;
  }

  get acceptedReports(): number {
    return this.#acceptedReports;
  }

  get acceptedMessages(): number {
    return this.#acceptedMessages;
  }

  /** Site time the oldest waiting report was accepted, or undefined when the inbox is empty. */
  oldestAcceptedAt(): number | undefined {
    return this.#queue[this.#head]?.acceptedAt;
  }

  #compact(): void {
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
