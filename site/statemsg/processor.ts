// The state-message processor: StateSys's loader threads with a finite rate. Capacity is
// loaderThreads x recordsPerMinutePerLoader records per minute of *site* time, so a sped-up clock
// drains faster in wall time and a manual clock drains exactly `rate x advanced time` per advance.
// Idle capacity is not banked: a minute with an empty inbox does not let the next minute go faster.
import type { SiteClock } from '../clock.ts';
import type { ViolationName } from '../model.ts';
import type { ComplianceStore } from './compliance.ts';
import type { DeploymentComplianceStore } from './deployment-compliance.ts';
import type { StateMessageInbox } from './inbox.ts';
import { SiteRateWindow } from './rate-window.ts';
import type { SerialTracker } from './serials.ts';
import {
  type InboundMessage,
  TOPIC_ASSIGNMENT_COMPLIANCE,
  TOPIC_ASSIGNMENT_ENFORCEMENT,
  TOPIC_UPDATE_DETECTION,
} from './types.ts';

export interface ProcessorOptions {
  /** StateSys "Loader Threads" (real default 4; support suggests 16 during a backlog). */
  loaderThreads?: number;
  /** Records one loader thread loads per site minute. Default 7,500 (4 x 7,500 = 30,000/min). */
  recordsPerMinutePerLoader?: number;
  /** Wall milliseconds between processing steps when the clock runs by itself. */
  tickMs?: number;
  /** "Min Missing Message Age": an open serial gap older than this flags the client for resync. */
  minMissingMessageAgeMinutes?: number;
  /** Inbox depth (messages) above which the 'reject-when-backlogged' violation answers 503. */
  backlogRejectThreshold?: number;
  /** The 'drop-state-messages' violation loses every n-th accepted report. */
  dropEveryNthReport?: number;
  /** Explicit back-pressure, off unless given (behaviour.md M-BACKLOG allows it): while the inbox holds
   *  more than `depth` messages, the MP answers a state-message post 503 with Retry-After instead of
   *  queueing it, and the client sends it again later. */
  backPressure?: BackPressureOptions;
}

export interface BackPressureOptions {
  /** Inbox depth (messages) above which posts are answered 503 + Retry-After. */
  depth: number;
  /** The Retry-After value, in whole seconds (site time). */
  retryAfterSeconds: number;
}

type NumericProcessorOption = Exclude<keyof ProcessorOptions, 'backPressure'>;

/** Records handed over per inbox call, between checks of the wall-time bound. */
const WORK_CHUNK = 128;

export type ResolvedProcessorOptions = Required<Pick<ProcessorOptions, NumericProcessorOption>> & {
  backPressure?: BackPressureOptions;
};

export const PROCESSOR_DEFAULTS: ResolvedProcessorOptions = {
  loaderThreads: 4,
  recordsPerMinutePerLoader: 7_500,
  tickMs: 100,
  minMissingMessageAgeMinutes: 2_880,
  backlogRejectThreshold: 50_000,
  dropEveryNthReport: 10,
};

/** Fills defaults and refuses nonsense with a message naming the field, the value and what is valid. */
export function resolveProcessorOptions(options: ProcessorOptions = {}): ResolvedProcessorOptions {
  const out: ResolvedProcessorOptions = { ...PROCESSOR_DEFAULTS };
  for (const key of Object.keys(PROCESSOR_DEFAULTS) as NumericProcessorOption[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`processor option ${key} = ${String(value)}: must be a finite number > 0`);
    }
    if (key !== 'recordsPerMinutePerLoader' && key !== 'tickMs' && !Number.isInteger(value)) {
      throw new RangeError(`processor option ${key} = ${value}: must be a whole number`);
    }
    out[key] = value;
  }
  if (options.backPressure !== undefined) out.backPressure = resolveBackPressure(options.backPressure);
  return out;
}

function resolveBackPressure(given: BackPressureOptions): BackPressureOptions {
  if (typeof given !== 'object' || given === null) {
    throw new RangeError(
      `processor option backPressure = ${String(given)}: must be { depth, retryAfterSeconds }`,
    );
  }
  const { depth, retryAfterSeconds } = given;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RangeError(
      `processor option backPressure.depth = ${String(depth)}: must be a whole number >= 1`,
    );
  }
  // Retry-After is delay-seconds: a non-negative integer (RFC 9110 §10.2.3); 0 would invite a hot loop.
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1 || retryAfterSeconds > 86_400) {
    throw new RangeError(
      `processor option backPressure.retryAfterSeconds = ${String(retryAfterSeconds)}: must be whole seconds from 1 to 86400`,
    );
  }
  return { depth, retryAfterSeconds };
}

export interface ProcessorParts {
  clock: SiteClock;
  violations: ReadonlySet<ViolationName>;
  inbox: StateMessageInbox;
  serials: SerialTracker;
  compliance: ComplianceStore;
  /** Per-deployment status from topics 300/301. */
  deployments: DeploymentComplianceStore;
}

export class StateMessageProcessor {
  readonly options: ResolvedProcessorOptions;
  readonly #parts: ProcessorParts;
  readonly #perMs: number;
  readonly #window = new SiteRateWindow();
  readonly #timer: NodeJS.Timeout;
  readonly #unsubscribe: () => void;
  #lastSiteTime: number;
  /** Fractional records carried between steps so that many small steps add up exactly. */
  #budget = 0;
  #processed = 0;
  #duplicates = 0;
  #lateFills = 0;

  constructor(parts: ProcessorParts, options: ProcessorOptions = {}) {
    this.options = resolveProcessorOptions(options);
    this.#parts = parts;
    this.#perMs = this.ratePerMinute / 60_000;
    this.#lastSiteTime = parts.clock.now();
    // Both hooks run in either clock mode: in 'manual' the timer finds no elapsed time and an advance is
    // processed exactly and at once; in 'real' an explicit advance starts at once, bounded like a tick.
    this.#timer = setInterval(() => this.step(), this.options.tickMs);
    this.#timer.unref();
    this.#unsubscribe = parts.clock.onAdvance(() => this.step());
  }

  /** Records per site minute over all loader threads. */
  get ratePerMinute(): number {
    return this.options.loaderThreads * this.options.recordsPerMinutePerLoader;
  }

  /**
   * Processes what the site time elapsed since the last step allows; returns records processed.
   * `maxWallMs` bounds the work of one call (reports are parsed here, so a fast clock over a deep backlog
   * could otherwise hold the event loop); what is left carries over, at most one minute of capacity,
   * and shows as processedPerMinute below capacity: the site says it cannot keep up instead of hiding it.
   */
  catchUp(maxWallMs = Number.POSITIVE_INFINITY): number {
    const now = this.#parts.clock.now();
    const elapsed = now - this.#lastSiteTime;
    if (elapsed <= 0) return 0;
    const start = this.#lastSiteTime;
    this.#lastSiteTime = now;
    this.#budget += elapsed * this.#perMs;
    const allowed = Math.floor(this.#budget);
    const { inbox } = this.#parts;
    const deadline = performance.now() + maxWallMs;
    let taken = 0;
    while (taken < allowed) {
      const n = inbox.take(Math.min(WORK_CHUNK, allowed - taken), (id, m) => this.#load(id, m, now));
      taken += n;
      if (n === 0 || performance.now() > deadline) break;
    }
    const drained = inbox.depthMessages === 0;
    this.#budget = drained ? 0 : Math.min(this.#budget - taken, this.ratePerMinute);
    this.#processed += taken;
    // Loaders work at full rate from the start of the step until the inbox runs dry.
    const busyUntil = drained && taken < allowed ? Math.min(now, start + taken / this.#perMs) : now;
    this.#window.record(start, busyUntil, taken);
    return taken;
  }

  /** One bounded step: what the timer and snapshots use in 'real' mode. */
  step(): number {
    return this.catchUp(
      this.#parts.clock.mode === 'manual' ? Number.POSITIVE_INFINITY : this.options.tickMs / 2,
    );
  }

  #load(clientId: string, m: InboundMessage, now: number): void {
    const { serials, compliance, violations } = this.#parts;
    const verdict = serials.observe(
      clientId,
      m.serialNumber,
      now,
      !violations.has('no-serial-gap-detection'),
    );
    const isDetection = m.topicType === TOPIC_UPDATE_DETECTION;
    if (verdict === 'duplicate') {
      this.#duplicates += 1;
      if (isDetection && violations.has('double-count-duplicates'))
        compliance.countAgain(m.topicId, m.stateId);
      return;
    }
    if (verdict === 'late') this.#lateFills += 1;
    if (isDetection) compliance.apply(clientId, m.topicId, m.stateId, m.serialNumber);
    else if (m.topicType === TOPIC_ASSIGNMENT_COMPLIANCE || m.topicType === TOPIC_ASSIGNMENT_ENFORCEMENT) {
      this.#parts.deployments.apply(clientId, m.topicType, m.topicId, m.stateId, m.serialNumber);
    }
  }

  get processed(): number {
    return this.#processed;
  }

  get duplicates(): number {
    return this.#duplicates;
  }

  /** Messages that arrived after a later serial and filled a recorded gap. */
  get lateFills(): number {
    return this.#lateFills;
  }

  processedPerMinute(now: number): number {
    return this.#window.rate(now);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#unsubscribe();
  }
}
