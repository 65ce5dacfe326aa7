// Live progress on the terminal. On a TTY: one line redrawn in place with a progress bar over the
// virtual duration, virtual and wall time, request rate, p95, errors, lateness and site backlog.
// Otherwise (CI logs, pipes): the same figures as a plain line every `plainEverySeconds`.
import type { IntervalStats } from './aggregator.ts';
import { formatCount, formatDuration, formatLatency, formatRate } from './format.ts';

export interface ProgressSinkOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  virtualStart: number;
  /** Virtual duration of the run, ms (the bar's 100 %). */
  virtualDurationMs: number;
  wallStart: number;
  /** Non-TTY: one line per this many seconds (default 10). */
  plainEverySeconds?: number;
}

export class ProgressSink {
  readonly #o: ProgressSinkOptions;
  readonly #tty: boolean;
  #ticks = 0;
  #drawn = false;

  constructor(options: ProgressSinkOptions) {
    this.#o = options;
    this.#tty = options.out.isTTY === true;
  }

  onInterval(s: IntervalStats): void {
    this.#ticks++;
    if (this.#tty) {
      this.#o.out.write(`\r\x1b[K${this.line(s, true)}`);
      this.#drawn = true;
    } else if (this.#ticks % (this.#o.plainEverySeconds ?? 10) === 0) {
      this.#o.out.write(`${this.line(s, false)}\n`);
    }
  }

  /** Ends the in-place line so the summary starts on a fresh one. */
  end(): void {
    if (this.#drawn) this.#o.out.write('\n');
    this.#drawn = false;
  }

  line(s: IntervalStats, withBar: boolean): string {
    const { virtualStart, virtualDurationMs, wallStart } = this.#o;
    const done = Math.min(1, Math.max(0, (s.virtualTime - virtualStart) / Math.max(1, virtualDurationMs)));
    const parts = [
      `virtual ${formatDuration(s.virtualTime - virtualStart)}/${formatDuration(virtualDurationMs)}`,
      `wall ${formatDuration(s.wallTime - wallStart)}`,
      `${formatRate(s.perSecond)} req/s`,
      `p95 ${formatLatency(s.p95Ms)}`,
      `err ${formatCount(s.errors)}`,
      `late p99 ${formatLatency(s.latenessP99Ms)}`,
      `clients ${formatCount(s.activeClients)}`,
      `in-flight ${formatCount(s.inFlight)}`,
    ];
    if (s.skipped > 0) parts.push(`SKIPPED ${formatCount(s.skipped)}`);
    if (s.backlog)
      parts.push(`backlog ${formatCount(s.backlog.depth)} (${formatDuration(s.backlog.oldestAgeMs)})`);
    const text = parts.join(' | ');
    if (!withBar) return `[${(done * 100).toFixed(0).padStart(3)}%] ${text}`;
    const width = 20;
    const filled = Math.round(done * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}%`;
    const line = `${bar} ${text}`;
    const columns = this.#o.out.columns ?? 200;
    return line.length > columns ? line.slice(0, columns - 1) : line;
  }
}
