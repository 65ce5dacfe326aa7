// The site's clock: real time, real time sped up, or driven by hand (tests advance it through the
// observer API), so 60-minute cookies, 24 h TTLs and backlog drain are testable in seconds.
// Time is epoch milliseconds of *site* time.

export type ClockMode = 'real' | 'manual';

export interface ClockOptions {
  mode?: ClockMode;
  /** Site seconds per wall second in 'real' mode (1 = real time). */
  speed?: number;
  /** Site time at start (default: wall time now). */
  start?: number;
}

export class SiteClock {
  #mode: ClockMode;
  #speed: number;
  /** Site time at the moment of the last re-anchor. */
  #anchorSite: number;
  /** Wall time (performance clock, ms) at the last re-anchor. */
  #anchorWall: number;
  readonly #listeners = new Set<() => void>();

  constructor(options: ClockOptions = {}) {
    this.#mode = options.mode ?? 'real';
    this.#speed = options.speed ?? 1;
    if (!(this.#speed > 0)) throw new RangeError(`clock speed must be > 0, got ${this.#speed}`);
    this.#anchorSite = options.start ?? Date.now();
    this.#anchorWall = performance.now();
  }

  get mode(): ClockMode {
    return this.#mode;
  }

  get speed(): number {
    return this.#speed;
  }

  /** Current site time in epoch ms. */
  now(): number {
    if (this.#mode === 'manual') return this.#anchorSite;
    return this.#anchorSite + (performance.now() - this.#anchorWall) * this.#speed;
  }

  /** Moves site time forward (both modes); listeners (e.g. the state-message processor) are told. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`can only advance by ms >= 0, got ${ms}`);
    this.#reanchor();
    this.#anchorSite += ms;
    for (const fn of this.#listeners) fn();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
    this.#reanchor();
    this.#speed = speed;
  }

  setMode(mode: ClockMode): void {
    this.#reanchor();
    this.#mode = mode;
  }

  /** Wall milliseconds that correspond to `siteMs` of site time at the current speed (manual: never). */
  wallDelayFor(siteMs: number): number {
    return this.#mode === 'manual' ? Number.POSITIVE_INFINITY : siteMs / this.#speed;
  }

  onAdvance(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #reanchor(): void {
    this.#anchorSite = this.now();
    this.#anchorWall = performance.now();
  }
}
