// The run's virtual clock. Behaviour happens in virtual time (epoch ms of the emulated world); sends
// happen in wall time. A speed factor maps one onto the other (60 = an emulated hour per wall
// minute). Every thread builds its clock from the same anchors, so shards agree on "now".
//
// Wall time is epoch ms with sub-ms resolution (`performance.timeOrigin + performance.now()`), which
// is comparable across worker threads (each has its own timeOrigin, the sum is the same instant).

export interface VirtualClock {
  /** Virtual seconds per wall second. */
  readonly speed: number;
  /** Current virtual time, epoch ms. */
  now(): number;
  /** Current wall time, epoch ms (high resolution). */
  wallNow(): number;
  /** The wall instant at which virtual time `virtualMs` happens. */
  toWall(virtualMs: number): number;
  /** The virtual time at wall instant `wallMs`. */
  toVirtual(wallMs: number): number;
}

/** The anchors a coordinator sends to its workers so every shard builds the same clock. */
export interface ClockAnchor {
  virtualStart: number;
  wallStart: number;
  speed: number;
}

export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export function checkSpeed(speed: number): number {
  if (!(Number.isFinite(speed) && speed > 0)) {
    throw new RangeError(`clock speed must be a finite number > 0, got ${speed}`);
  }
  return speed;
}

/** Real time times a constant speed factor. */
export class ScaledClock implements VirtualClock {
  readonly speed: number;
  readonly #virtualStart: number;
  readonly #wallStart: number;

  constructor(anchor: ClockAnchor) {
    this.speed = checkSpeed(anchor.speed);
    this.#virtualStart = anchor.virtualStart;
    this.#wallStart = anchor.wallStart;
  }

  /** Starts virtual time at `virtualStart` (default: the wall clock) now. */
  static startingNow(speed: number, virtualStart: number = Date.now()): ScaledClock {
    return new ScaledClock({ speed, virtualStart, wallStart: wallNow() });
  }

  get anchor(): ClockAnchor {
    return { virtualStart: this.#virtualStart, wallStart: this.#wallStart, speed: this.speed };
  }

  now(): number {
    return this.toVirtual(wallNow());
  }

  wallNow(): number {
    return wallNow();
  }

  toWall(virtualMs: number): number {
    return this.#wallStart + (virtualMs - this.#virtualStart) / this.speed;
  }

  toVirtual(wallMs: number): number {
    return this.#virtualStart + (wallMs - this.#wallStart) * this.speed;
  }
}

/**
 * A clock that only moves when a test says so. Wall time is derived from virtual time through the
 * speed factor, so latency and lateness arithmetic behaves exactly as in a real run.
 */
export class ManualClock implements VirtualClock {
  readonly speed: number;
  readonly #virtualStart: number;
  readonly #wallStart: number;
  #now: number;

  constructor(options: { virtualStart?: number; wallStart?: number; speed?: number } = {}) {
    this.speed = checkSpeed(options.speed ?? 1);
    this.#virtualStart = options.virtualStart ?? 0;
    this.#wallStart = options.wallStart ?? 0;
    this.#now = this.#virtualStart;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.toWall(this.#now);
  }

  toWall(virtualMs: number): number {
    return this.#wallStart + (virtualMs - this.#virtualStart) / this.speed;
  }

  toVirtual(wallMs: number): number {
    return this.#virtualStart + (wallMs - this.#wallStart) * this.speed;
  }

  /** Moves virtual time forward by `ms` (never backwards). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`can only advance by ms >= 0, got ${ms}`);
    this.#now += ms;
  }

  /** Jumps to virtual time `virtualMs` (never backwards). */
  set(virtualMs: number): void {
    if (virtualMs < this.#now) throw new RangeError(`clock cannot go back from ${this.#now} to ${virtualMs}`);
    this.#now = virtualMs;
  }
}
