// "Records processed per minute" over the last minute of *site* time. Each processing step covers an
// interval of site time; its records are spread evenly over that interval, so a manual clock advanced
// in 5-minute steps still reports the per-minute rate, not five minutes' worth.

interface Step {
  start: number;
  end: number;
  count: number;
}

export class SiteRateWindow {
  readonly #steps: Step[] = [];

  constructor(readonly windowMs = 60_000) {}

  record(start: number, end: number, count: number): void {
    if (count <= 0) return;
    this.#steps.push({ start, end: Math.max(end, start), count });
  }

  /** Records in (now - windowMs, now], scaled to one window. */
  rate(now: number): number {
    const from = now - this.windowMs;
    while (this.#steps.length > 0 && this.#steps[0]!.end <= from) this.#steps.shift();
    let sum = 0;
    for (const s of this.#steps) {
      if (s.end === s.start) {
        if (s.end > from && s.end <= now) sum += s.count;
        continue;
      }
      const overlap = Math.min(s.end, now) - Math.max(s.start, from);
      if (overlap > 0) sum += (s.count * overlap) / (s.end - s.start);
    }
    return Math.round(sum);
  }
}
