// Overload shedding: each front-end holds at most a configured number of requests at once (received, not
// yet answered). A request over that limit is not handed to the front-end; the shell answers it with
// HTTP 503 at once, as HTTP.sys does when an IIS application pool's request queue is full (real WSUS
// under a scan storm: protocol-reference §4.2, WsusPool Queue Length).
import type { FrontEnd } from './types.ts';

export type InFlightLimitsInput = Partial<Record<FrontEnd, number>>;

export interface InFlightState {
  /** Requests held right now. */
  inFlight: number;
  /** Most held at once since start. */
  peak: number;
  /** The limit (null: none). */
  limit: number | null;
}

const FRONT_ENDS: readonly FrontEnd[] = ['sup', 'mp', 'dp'];

export class InFlightLimits {
  readonly #limit: Record<FrontEnd, number>;
  readonly #current: Record<FrontEnd, number> = { sup: 0, mp: 0, dp: 0 };
  readonly #peak: Record<FrontEnd, number> = { sup: 0, mp: 0, dp: 0 };
  /** One pre-bound release per front-end, so admitting a request allocates no closure. */
  readonly release: Readonly<Record<FrontEnd, () => void>>;

  /** A front-end left out has no limit. */
  constructor(limits: InFlightLimitsInput = {}) {
    this.#limit = {
      sup: limits.sup ?? Number.POSITIVE_INFINITY,
      mp: limits.mp ?? Number.POSITIVE_INFINITY,
      dp: limits.dp ?? Number.POSITIVE_INFINITY,
    };
    this.release = {
      sup: () => this.#leave('sup'),
      mp: () => this.#leave('mp'),
      dp: () => this.#leave('dp'),
    };
  }

  /** Admits one request of `frontEnd` unless it is at its limit; each admission needs one release. */
  tryEnter(frontEnd: FrontEnd): boolean {
    const n = this.#current[frontEnd];
    if (n >= this.#limit[frontEnd]) return false;
    this.#current[frontEnd] = n + 1;
    if (n + 1 > this.#peak[frontEnd]) this.#peak[frontEnd] = n + 1;
    return true;
  }

  snapshot(): Record<FrontEnd, InFlightState> {
    const out = {} as Record<FrontEnd, InFlightState>;
    for (const fe of FRONT_ENDS) {
      const limit = this.#limit[fe];
      out[fe] = {
        inFlight: this.#current[fe],
        peak: this.#peak[fe],
        limit: Number.isFinite(limit) ? limit : null,
      };
    }
    return out;
  }

  #leave(frontEnd: FrontEnd): void {
    // Never below zero, whatever a caller does twice.
    if (this.#current[frontEnd] > 0) this.#current[frontEnd]--;
  }
}
