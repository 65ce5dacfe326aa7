// Feeds every chosen output the same start, intervals, events and end, and keeps any one output's
// failure from reaching the run: a throwing interval() or a rejected end() is caught, the output is
// not called again, and its failure becomes its OutputReport (shown in the summary). An output whose
// end() takes longer than `endTimeoutMs` is reported as such and left behind.
import type { IntervalStats } from '../aggregator.ts';
import type { OutputReport, RunEvent, RunFinal, RunMeta, RunOutput } from './output.ts';

const DEFAULT_END_TIMEOUT_MS = 15_000;

interface Slot {
  output: RunOutput;
  failure?: string;
}

export class OutputSet {
  readonly #slots: Slot[];
  readonly #endTimeoutMs: number;
  #started = false;
  #ended: Promise<OutputReport[]> | undefined;

  constructor(outputs: readonly RunOutput[], endTimeoutMs = DEFAULT_END_TIMEOUT_MS) {
    this.#slots = outputs.map((output) => ({ output }));
    this.#endTimeoutMs = endTimeoutMs;
  }

  get names(): string[] {
    return this.#slots.map((s) => s.output.name);
  }

  /** Every output's own check, before anything is sent; the first OutputError stops the run (exit 2). */
  async preflight(): Promise<void> {
    for (const { output } of this.#slots) await output.preflight?.();
  }

  async start(meta: RunMeta): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await Promise.all(this.#slots.map((slot) => this.#guard(slot, () => slot.output.start(meta))));
  }

  get started(): boolean {
    return this.#started;
  }

  interval(stats: IntervalStats): void {
    for (const slot of this.#slots) void this.#guard(slot, () => slot.output.interval(stats));
  }

  event(event: RunEvent): void {
    for (const slot of this.#slots) void this.#guard(slot, () => slot.output.event(event));
  }

  /**
   * Ends every output once (later calls get the same result): first those that write data, then those
   * that report on the others (summary.json, the terminal table) with the others' reports in the summary.
   */
  end(final: RunFinal): Promise<OutputReport[]> {
    this.#ended ??= this.#end(final);
    return this.#ended;
  }

  async #end(final: RunFinal): Promise<OutputReport[]> {
    const first = this.#slots.filter((s) => !s.output.reportsOthers);
    const last = this.#slots.filter((s) => s.output.reportsOthers);
    const reports = await Promise.all(first.map((slot) => this.#endOne(slot, final)));
    const withReports: RunFinal = { ...final, summary: { ...final.summary, outputs: [...reports] } };
    for (const slot of last) {
      const r = await this.#endOne(slot, withReports);
      // summary.json's own report (its file) is shown by the terminal summary after it.
      withReports.summary.outputs!.push(r);
      reports.push(r);
    }
    return reports;
  }

  async #endOne(slot: Slot, final: RunFinal): Promise<OutputReport> {
    const name = slot.output.name;
    if (slot.failure) return { name, ok: false, detail: slot.failure };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<OutputReport>((resolve) => {
      timer = setTimeout(
        () => resolve({ name, ok: false, detail: `did not finish within ${this.#endTimeoutMs / 1000} s` }),
        this.#endTimeoutMs,
      );
    });
    try {
      return await Promise.race([slot.output.end(final), timeout]);
    } catch (err) {
      return { name, ok: false, detail: `failed: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async #guard(slot: Slot, call: () => void | Promise<void>): Promise<void> {
    if (slot.failure) return;
    try {
      await call();
    } catch (err) {
      slot.failure = `failed during the run and was stopped: ${(err as Error).message}`;
    }
  }
}
