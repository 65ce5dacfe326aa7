// What the site saw and did, per front-end and operation: requests, body bytes, status classes, SOAP
// faults by ErrorCode, injected faults and handler errors. Plain counters in pre-created objects so the
// request path only increments numbers.

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export interface OperationCounters {
  requests: number;
  /** Request and response body bytes (headers not included). */
  bytesIn: number;
  bytesOut: number;
  status: Record<StatusClass, number>;
  /** SOAP faults answered, by ErrorCode (the front-end's reply.faultCode), injected ones included. A SOAP
   *  fault without a WSUS ErrorCode counts under its own name (SUP: 'SoapActionNotRecognized'). */
  faults: Record<string, number>;
  /** Faults injected by rule; errorCode = SOAP faults with a rule's chosen WSUS ErrorCode. */
  injected: {
    delayed: number;
    busy: number;
    http503: number;
    reset: number;
    stall: number;
    errorCode: number;
  };
  /** Front-end exceptions, answered 500. */
  errors: number;
  /** Bodies over the limit, answered 413. */
  tooLarge: number;
  /** Shed with HTTP 503 because the front-end already held its maximum of requests in flight
   *  (IIS: application-pool queue full). Never handed to the front-end. */
  overloaded: number;
  /** Clients that went away before their answer was written. */
  aborted: number;
}

/** Bucket for requests no front-end claims (unknown paths, answered 404). */
export const UNROUTED = 'unrouted';
/** Distinct operation names kept per front-end; more (a client inventing names) share one bucket. */
const MAX_OPERATIONS = 200;
const OVERFLOW_OPERATION = 'Other';
const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export function newCounters(): OperationCounters {
  return {
    requests: 0,
    bytesIn: 0,
    bytesOut: 0,
    status: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    faults: {},
    injected: { delayed: 0, busy: 0, http503: 0, reset: 0, stall: 0, errorCode: 0 },
    errors: 0,
    tooLarge: 0,
    overloaded: 0,
    aborted: 0,
  };
}

export function statusClassOf(status: number): StatusClass {
  const i = Math.floor(status / 100) - 1;
  return STATUS_CLASSES[Math.max(0, Math.min(i, 4))]!;
}

export interface StatsSnapshot {
  startedAt: string;
  uptimeMs: number;
  total: OperationCounters;
  frontEnds: Record<string, { total: OperationCounters; operations: Record<string, OperationCounters> }>;
}

export class SiteStats {
  readonly #byFrontEnd = new Map<string, Map<string, OperationCounters>>();
  #startedWall = Date.now();
  #startedPerf = performance.now();

  /** The live counters of one front-end and operation; callers increment fields directly. */
  counters(frontEnd: string, operation: string): OperationCounters {
    let ops = this.#byFrontEnd.get(frontEnd);
    if (ops === undefined) {
      ops = new Map();
      this.#byFrontEnd.set(frontEnd, ops);
    }
    let c = ops.get(operation);
    if (c === undefined) {
      if (ops.size >= MAX_OPERATIONS) return this.counters(frontEnd, OVERFLOW_OPERATION);
      c = newCounters();
      ops.set(operation, c);
    }
    return c;
  }

  reset(): void {
    this.#byFrontEnd.clear();
    this.#startedWall = Date.now();
    this.#startedPerf = performance.now();
  }

  snapshot(): StatsSnapshot {
    const total = newCounters();
    const frontEnds: StatsSnapshot['frontEnds'] = {};
    for (const [frontEnd, ops] of this.#byFrontEnd) {
      const feTotal = newCounters();
      const operations: Record<string, OperationCounters> = {};
      for (const [op, c] of ops) {
        operations[op] = structuredClone(c);
        addInto(feTotal, c);
        addInto(total, c);
      }
      frontEnds[frontEnd] = { total: feTotal, operations };
    }
    return {
      startedAt: new Date(this.#startedWall).toISOString(),
      uptimeMs: Math.round(performance.now() - this.#startedPerf),
      total,
      frontEnds,
    };
  }
}

function addInto(into: OperationCounters, c: OperationCounters): void {
  into.requests += c.requests;
  into.bytesIn += c.bytesIn;
  into.bytesOut += c.bytesOut;
  for (const k of STATUS_CLASSES) into.status[k] += c.status[k];
  for (const [code, n] of Object.entries(c.faults)) into.faults[code] = (into.faults[code] ?? 0) + n;
  into.injected.delayed += c.injected.delayed;
  into.injected.busy += c.injected.busy;
  into.injected.http503 += c.injected.http503;
  into.injected.reset += c.injected.reset;
  into.injected.stall += c.injected.stall;
  into.injected.errorCode += c.injected.errorCode;
  into.errors += c.errors;
  into.tooLarge += c.tooLarge;
  into.overloaded += c.overloaded;
  into.aborted += c.aborted;
}
