// `--out html=FILE`: the self-contained HTML report, built while the run goes (intervals downsampled as
// they arrive, so memory stays bounded) and written once at the end. FILE is relative to the run's
// folder (`--out-dir`); `--out html` alone writes report.html there.
import { access, mkdir, open, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { IntervalStats } from '../aggregator.ts';
import { formatBytes } from '../format.ts';
import { ReportModel } from '../report/report-model.ts';
import { writeReport } from '../report/write-report.ts';
import {
  OutputError,
  type OutputReport,
  type RunEvent,
  type RunFinal,
  type RunMeta,
  type RunOutput,
} from './output.ts';
import type { OutputFactory } from './registry.ts';

export const DEFAULT_HTML_FILE = 'report.html';

export const htmlOutput: OutputFactory = (arg, ctx) => {
  if (arg !== undefined && arg.trim() === '')
    throw new OutputError('--out html=FILE: FILE is empty (give a file name, e.g. --out html=report.html)');
  return new HtmlOutput(resolve(ctx.outDir, arg ?? DEFAULT_HTML_FILE));
};

class HtmlOutput implements RunOutput {
  readonly name = 'html';
  readonly #model = new ReportModel();

  constructor(readonly file: string) {}

  /** The file must be writable before the run starts: a report lost at the end of a 2 h run is expensive. */
  async preflight(): Promise<void> {
    const existed = await access(this.file).then(
      () => true,
      () => false,
    );
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await (await open(this.file, 'a')).close();
      if (!existed) await rm(this.file);
    } catch (err) {
      throw new OutputError(
        `--out html=${this.file}: cannot write the report there (${(err as Error).message})`,
      );
    }
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
      detail: `HTML report: ${file} (${formatBytes(bytes)}, ${this.#model.intervals.toLocaleString('en-US')} intervals)`,
      file,
    };
  }
}
