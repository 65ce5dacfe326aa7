// `--out html=FILE`: the self-contained HTML report, built while the run goes (intervals downsampled as
// they arrive, so memory stays bounded) and written once at the end. FILE is relative to the run's
// folder (`--out-dir`); `--out html` alone writes report.html there.
import type { IntervalStats } from '../aggregator.ts';
import { formatBytes } from '../format.ts';
import { ReportModel } from '../report/report-model.ts';
import { writeReport } from '../report/write-report.ts';
import type { OutputReport, RunEvent, RunFinal, RunMeta, RunOutput } from './output.ts';
import { assertWritable, outputPath } from './output-file.ts';
import type { OutputFactory } from './registry.ts';

export const DEFAULT_HTML_FILE = 'report.html';

export const htmlOutput: OutputFactory = (arg, ctx) =>
  new HtmlOutput(outputPath(arg || DEFAULT_HTML_FILE, ctx.outDir));

class HtmlOutput implements RunOutput {
  readonly name = 'html';
  readonly #model = new ReportModel();

  constructor(readonly file: string) {}

  /** The file must be writable before the run starts: a report lost at the end of a 2 h run is expensive. */
  preflight(): Promise<void> {
    return assertWritable(this.file, '--out html');
  }

  start(meta: RunMeta): void {
    this.#model.start(meta);
  }

  interval(stats: IntervalStats): void {
    this.#model.interval(stats);
  }

  event(event: RunEvent): void {
    this.#model.event(event);
  }

  async end(final: RunFinal): Promise<OutputReport> {
    this.#model.end(final.summary);
    const { file, bytes } = await writeReport(this.#model, this.file);
    return {
      name: this.name,
      ok: true,
      detail: `written to ${file} (${formatBytes(bytes)}, ${this.#model.intervals.toLocaleString('en-US')} intervals)`,
      file,
    };
  }
}
