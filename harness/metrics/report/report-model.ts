// Everything the HTML report shows, gathered the way a run produces it (start, intervals, events, end),
// in bounded memory: the intervals are downsampled as they arrive and events are capped. The live
// `--out html` output feeds it during the run; `patchstorm report DIR` feeds it from timeline.ndjson.
import type { IntervalStats } from '../aggregator.ts';
import type { RunEvent, RunFinal, RunMeta } from '../outputs/output.ts';
import { type ChartSpec, chartsFor, type OmittedChart } from './charts.ts';
import { DEFAULT_MAX_BUCKETS, Downsampler, type DownsampledSeries } from './downsample.ts';
import { IntervalSampler, type SeenNames, seriesRule } from './interval-sample.ts';

/** Events kept for the table and the chart markers; more are counted (a run has tens, not thousands). */
export const MAX_EVENTS = 1000;

export interface ReportDocument {
  /** ISO time the report was built. */
  generatedAt: string;
  meta?: RunMeta;
  summary?: RunFinal['summary'];
  events: RunEvent[];
  eventsDropped: number;
  /** Intervals received, and the points each series was drawn with. */
  intervals: number;
  points: number;
  data: DownsampledSeries;
  charts: ChartSpec[];
  omitted: OmittedChart[];
  seen: SeenNames;
  /** Things the reader should know about the report itself (e.g. a timeline cut short). */
  notes: string[];
}

export class ReportModel {
  readonly #series: Downsampler;
  readonly #sampler = new IntervalSampler();
  readonly #events: RunEvent[] = [];
  readonly #notes: string[] = [];
  #eventsDropped = 0;
  #meta: RunMeta | undefined;
  #summary: RunFinal['summary'] | undefined;

  constructor(maxBuckets = DEFAULT_MAX_BUCKETS) {
    this.#series = new Downsampler(maxBuckets);
  }

  start(meta: RunMeta): void {
    this.#meta = meta;
  }

  interval(stats: IntervalStats): void {
    this.#series.add(stats.virtualTime, this.#sampler.sample(stats));
  }

  event(event: RunEvent): void {
    if (this.#events.length >= MAX_EVENTS) this.#eventsDropped++;
    else this.#events.push(event);
  }

  end(summary: RunFinal['summary']): void {
    this.#summary = summary;
  }

  note(text: string): void {
    this.#notes.push(text);
  }

  get intervals(): number {
    return this.#series.samples;
  }

  build(now = new Date()): ReportDocument {
    const data = this.#series.points(seriesRule);
    const seen = this.#sampler.seen;
    const { charts, omitted } = chartsFor(seen, data);
    const notes = [...this.#notes];
    if (this.#eventsDropped > 0)
      notes.push(`${this.#eventsDropped} events after the first ${MAX_EVENTS} are not shown.`);
    if (seen.deploymentsIgnored > 0)
      notes.push(
        `${seen.deploymentsIgnored} deployments beyond the first ${seen.deployments.length} are not charted.`,
      );
    if (this.#series.samples === 0) notes.push('The run recorded no interval: there is nothing to chart.');
    return {
      generatedAt: now.toISOString(),
      ...(this.#meta ? { meta: this.#meta } : {}),
      ...(this.#summary ? { summary: this.#summary } : {}),
      events: [...this.#events].sort((a, b) => a.virtualTime - b.virtualTime),
      eventsDropped: this.#eventsDropped,
      intervals: this.#series.samples,
      points: data.x.length,
      data: roundSeries(data),
      charts,
      omitted,
      seen,
      notes,
    };
  }
}

/** Figures with 4 significant digits are plenty for a chart and keep the embedded JSON small. */
function roundSeries(data: DownsampledSeries): DownsampledSeries {
  const series: DownsampledSeries['series'] = {};
  for (const [k, values] of Object.entries(data.series))
    series[k] = values.map((v) => (v === null || Number.isInteger(v) ? v : Number(v.toPrecision(4))));
  return { x: data.x, series };
}
