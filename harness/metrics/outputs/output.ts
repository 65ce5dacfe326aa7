// The output seam, after k6's output.Output (Start / AddMetricSamples / Stop): every place a run's
// figures go — the progress line, the summary table, summary.json, the NDJSON timeline, InfluxDB, the
// HTML report — is one RunOutput, chosen with a repeatable `--out NAME[=ARG]`. The run feeds every
// output the same things in the same order: start(meta) once, interval(stats) for every interval
// including the final one after the drain, event(e) for each profile/site/run event as it happens,
// and end(final) exactly once however the run ends (completed, Ctrl-C/SIGTERM, aborted).
// An output that throws or rejects never stops the run: the failure is caught and reported in the
// summary as that output's OutputReport.
import type { IntervalStats } from '../aggregator.ts';
import type { RunSummary } from '../summary.ts';

/** What an output knows of the run before the first interval. */
export interface RunMeta {
  /** Printed at start, tagged on every point (`run`), used to find the run in Grafana. */
  runId: string;
  profile: string;
  seed: number;
  fleetSize: number;
  workers: number;
  speed: number;
  /** Virtual epoch ms of the run's start, and its planned virtual length. */
  virtualStart: number;
  durationMs: number;
  /** Wall epoch ms the load started. */
  wallStart: number;
  /** Where the load goes: 'embedded' or the first SUP/MP URL of an external site (a tag, `target`). */
  target: string;
  /** The thresholds as given (`p95:wsus.SyncUpdates<500ms` …), for reports. */
  thresholds: string[];
  /** How interval stats are spaced, wall ms. */
  intervalMs: number;
}

/** Something that happened at one virtual moment: shown as an annotation on charts. */
export interface RunEvent {
  /** Virtual epoch ms. */
  virtualTime: number;
  kind:
    | 'catalog-published'
    | 'deployment-created'
    | 'fault-injected'
    | 'fault-cleared'
    | 'sup-down'
    | 'sup-restored'
    | 'rollout'
    | 'forced-rescan'
    | 'threshold-breached'
    | 'run-started'
    | 'run-ended'
    | (string & {});
  /** One line for a person, e.g. "patch-tuesday: 10 updates deployed, deadline in 1h". */
  title: string;
  /** Low-cardinality labels, e.g. { deployment: 'D1' } or { sup: 'http://127.0.0.1:8530' }. */
  tags?: Record<string, string>;
}

/** What the run hands every output at its end. */
export interface RunFinal {
  /**
   * summary.json's content: the engine's summary plus the run's notes (`run`) when the run got that far;
   * for outputs that report the others (`reportsOthers`), `outputs` holds the others' reports.
   */
  summary: RunSummary & { run?: unknown };
  /** The run's notes as text (target, profile events, warnings, harness memory), for terminal outputs. */
  notesText?: string;
}

/** What an output says of itself at the end (one line in the summary: "InfluxDB: 1,234 points written, 0 dropped"). */
export interface OutputReport {
  name: string;
  ok: boolean;
  /** Plain words; never credentials. */
  detail: string;
  /** The file it wrote, if any. */
  file?: string;
}

export interface RunOutput {
  /** e.g. 'influxdb', 'json', 'timeline'. */
  readonly name: string;
  /**
   * Ends after every other output and gets their reports in `final.summary.outputs` (summary.json and
   * the terminal summary, which say what the others did).
   */
  readonly reportsOthers?: boolean;
  /**
   * Checked before anything is sent (a file that cannot be written, an InfluxDB that does not answer):
   * throw an OutputError naming what is wrong and the run stops with exit 2.
   */
  preflight?(): Promise<void>;
  start(meta: RunMeta): void | Promise<void>;
  interval(stats: IntervalStats): void;
  event(event: RunEvent): void;
  end(final: RunFinal): Promise<OutputReport>;
}

/** A bad --out value or an output that cannot work: the run does not start (exit 2). */
export class OutputError extends Error {
  override name = 'OutputError';
}
