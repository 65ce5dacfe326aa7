// What a check's traffic says about the target's speed: every reply (observer calls included) counts as
// progress, so the runner's time limit is "no reply for N seconds", not "the whole check in N seconds".
// A slow but correct server (big catalog, many pages, many files) is therefore not failed for slowness;
// its slowest replies become a load finding on the result instead.
import type { HttpClient } from '../harness/driver/http.ts';

/** A reply slower than this is worth reporting as a load finding (real WSUS answers a page in < 1 s). */
export const SLOW_REPLY_MS = 2_000;

export interface SlowReply {
  what: string;
  ms: number;
}

export class RequestTracker {
  requests = 0;
  slowest: SlowReply | undefined;
  readonly #durations: number[] = [];
  readonly #onProgress: () => void;

  constructor(onProgress: () => void) {
    this.#onProgress = onProgress;
  }

  /** The same client, with every send() timed and reported as progress. */
  wrap(http: HttpClient): HttpClient {
    const tracker = this;
    return new Proxy(http, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === 'send') {
          return async (...args: Parameters<HttpClient['send']>) => {
            const started = performance.now();
            tracker.#onProgress();
            try {
              return await target.send(...args);
            } finally {
              tracker.#record(`${args[0]} ${safePath(args[1])}`, performance.now() - started);
            }
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** One sentence when the target was slow (slowest reply over SLOW_REPLY_MS), else undefined. */
  loadFinding(): string | undefined {
    if (!this.slowest || this.slowest.ms < SLOW_REPLY_MS) return undefined;
    const sorted = [...this.#durations].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const slow = sorted.filter((d) => d >= SLOW_REPLY_MS).length;
    return (
      `load finding (not a conformance failure): ${slow} of ${this.requests} replies took ${SLOW_REPLY_MS / 1000} s or more; ` +
      `slowest ${(this.slowest.ms / 1000).toFixed(1)} s (${this.slowest.what}), median ${Math.round(median)} ms`
    );
  }

  #record(what: string, ms: number): void {
    this.requests += 1;
    this.#durations.push(ms);
    if (!this.slowest || ms > this.slowest.ms) this.slowest = { what, ms };
    this.#onProgress();
  }
}

function safePath(url: unknown): string {
  try {
    return new URL(String(url)).pathname;
  } catch {
    return String(url);
  }
}
