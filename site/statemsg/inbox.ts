// The state-message inbox: what MP_Relay drops into statesys.box\incoming on a real site. Accepting
// is an O(1) append so the MP can answer a post at once however deep the backlog is; the processor
// drains it at its own finite rate. Nothing accepted is ever discarded: a report leaves the queue
// only after every one of its messages went through the processor, or, when it turns out corrupt on
// loading, after it was counted as such (StateSys moves such files to its corrupt folder).
//
// Real StateSys picks .SMX files in alphabetical (effectively random) order; we drain first in,
// first out so that the age of the oldest waiting report is a meaningful backlog figure.
import type { DeferredReport, InboundMessage, InboundReport } from './types.ts';

interface Waiting {
  clientId: string;
  /** Messages still counted in the depth for this report (known exactly once loaded). */
  count: number;
  /** Parsed messages once the processor reached the report. */
  messages?: readonly InboundMessage[];
  load?: () => readonly InboundMessage[];
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
  #corruptReports = 0;
  #corruptMessages = 0;

  /** Appends a report; returns the number of messages it carries. */
  accept(report: InboundReport | DeferredReport, now: number): number {
    const entry = waitingOf(report, now);
    this.#acceptedReports += 1;
    this.#acceptedMessages += entry.count;
    if (entry.count === 0 && entry.messages !== undefined) return 0;
    this.#queue.push(entry);
    this.#depthMessages += entry.count;
    return entry.count;
  }

  /**
   * Counts a report as accepted without queueing it: only the 'drop-state-messages' violation uses
   * this, to behave like a site that answers 200 and then loses the file.
   */
  acceptAndLose(report: InboundReport | DeferredReport): void {
    this.#acceptedReports += 1;
    this.#acceptedMessages += 'messages' in report ? report.messages.length : report.messageCount;
  }

  /** Hands up to `max` waiting messages, oldest first, to `visit`; returns how many it handed over. */
  take(max: number, visit: (clientId: string, message: InboundMessage) => void): number {
    let taken = 0;
    while (taken < max && this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head]!;
      const messages = entry.messages ?? this.#load(entry);
      if (messages === undefined || messages.length === 0) {
        this.#pop();
        continue;
      }
      const end = Math.min(messages.length, entry.done + (max - taken));
      for (let i = entry.done; i < end; i++) visit(entry.clientId, messages[i]!);
      taken += end - entry.done;
      entry.done = end;
      if (end === messages.length) this.#pop();
    }
    this.#depthMessages -= taken;
    this.#compact();
    return taken;
  }

  /** Parses a deferred report; a corrupt one leaves the depth and is counted instead. */
  #load(entry: Waiting): readonly InboundMessage[] | undefined {
    let messages: readonly InboundMessage[];
    try {
      messages = entry.load!();
    } catch {
      this.#corruptReports += 1;
      this.#corruptMessages += entry.count;
      this.#depthMessages -= entry.count;
      return undefined;
    }
    // The accept-time count is a scan of the raw text; the parse is authoritative.
    const delta = messages.length - entry.count;
    this.#depthMessages += delta;
    this.#acceptedMessages += delta;
    entry.count = messages.length;
    entry.messages = messages;
    entry.load = undefined;
    return messages;
  }

  #pop(): void {
    this.#queue[this.#head] = undefined as unknown as Waiting;
    this.#head += 1;
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

  /** Reports (and the messages they announced) that failed to parse when the processor reached them. */
  get corruptReports(): number {
    return this.#corruptReports;
  }

  get corruptMessages(): number {
    return this.#corruptMessages;
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

function waitingOf(report: InboundReport | DeferredReport, now: number): Waiting {
  if ('messages' in report) {
    return {
      clientId: report.clientId,
      count: report.messages.length,
      messages: report.messages,
      acceptedAt: now,
      done: 0,
    };
  }
  return {
    clientId: report.clientId,
    count: report.messageCount,
    load: report.load,
    acceptedAt: now,
    done: 0,
  };
}
