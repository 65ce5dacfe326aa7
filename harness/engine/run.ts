// One load run from start to summary: starts the swarm, merges metric deltas every interval and feeds
// every output (metrics/outputs/: progress, summary, json, timeline, influxdb, html …), stops at the end
// of the virtual duration (or on SIGINT/SIGTERM, or on a fatal worker error) with a bounded drain, then
// builds the summary once and ends every output with it — also when interrupted or aborted.
import { hostname } from 'node:os';
import { type IntervalStats, MetricsAggregator } from '../metrics/aggregator.ts';
import { fetchBacklog } from '../metrics/backlog-probe.ts';
import { fetchDeploymentCompliance } from '../metrics/deployment-probe.ts';
import type { RunEvent, RunMeta, RunOutput } from '../metrics/outputs/output.ts';
import { OutputSet } from '../metrics/outputs/output-set.ts';
import { jsonOutput } from '../metrics/outputs/json.ts';
import { progressOutput } from '../metrics/outputs/progress.ts';
import type { OutputContext } from '../metrics/outputs/registry.ts';
import { summaryOutput } from '../metrics/outputs/summary.ts';
import { buildSummary, type RunEnd, type RunSummary } from '../metrics/summary.ts';
import { thresholdTexts, type Thresholds } from '../metrics/thresholds.ts';
import { type VirtualClock, wallNow } from './clock.ts';
import { heapSnapshotsFromEnv } from './heap-snapshots.ts';
import { Swarm, type SwarmOptions } from './swarm.ts';

export interface RunOptions extends Omit<SwarmOptions, 'onDelta' | 'onFatal'> {
  /** Virtual duration of the run, ms. */
  durationMs: number;
  profileName?: string;
  thresholds?: Thresholds;
  /**
   * Where the run's figures go. Omitted: the terminal progress line and summary on `out` and, with
   * `outputDir`, summary.json there (what tests and benchmarks want).
   */
  outputs?: OutputSet;
  /** Run id for the outputs (default: generated). */
  runId?: string;
  /** Target tag for the outputs: 'embedded' or the external site's first URL. */
  target?: string;
  /** Folder for summary.json when `outputs` is omitted. */
  outputDir?: string;
  /** Reference-site observer URL: sampled for the state-message backlog each interval. */
  observerUrl?: string;
  /** Its bearer token, when it has one. */
  observerToken?: string;
  /** In-flight requests get this long to finish at the end, wall ms (default 5000). */
  drainMs?: number;
  /** Where progress and the summary go when `outputs` is omitted (default process.stdout; null = silent). */
  out?: (NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) | null;
  /** Handle SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** Called every interval with merged stats, after the outputs. */
  onInterval?(stats: IntervalStats): void;
  /**
   * Called once the shards run, with the run's clock: the moment virtual time starts moving. Added for
   * `patchstorm run`, which starts the embedded site's clock and schedules site-side events from it.
   */
  onStart?(clock: VirtualClock): void;
  /**
   * Called with the summary before the outputs end: what the caller adds to it (summary.json's `run`)
   * and its notes as text for the terminal.
   */
  finalize?(summary: RunSummary): Promise<{ run?: unknown; notesText?: string }>;
}

export interface RunResult {
  summary: RunSummary & { run?: unknown };
  summaryFile?: string;
}

/** A short id that finds the run among others in InfluxDB and Grafana: profile, start time, host. */
export function newRunId(profile: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const host =
    hostname()
      .replace(/[^A-Za-z0-9-]/g, '')
      .slice(0, 12) || 'host';
  return `${profile}-${stamp}-${host}-${process.pid}`;
}

/** The outputs a bare runLoad gets: terminal progress and summary, and summary.json when asked. */
function defaultOutputs(options: RunOptions): OutputSet {
  const out = options.out === undefined ? process.stdout : options.out;
  const ctx: OutputContext = { outDir: options.outputDir ?? '.', env: {}, stdout: out };
  const outputs: RunOutput[] = [progressOutput(undefined, ctx), summaryOutput(undefined, ctx)];
  if (options.outputDir) outputs.push(jsonOutput(undefined, ctx));
  return new OutputSet(outputs);
}

function metaOf(options: RunOptions, virtualStart: number, wallStart: number, workers: number): RunMeta {
  return {
    runId: options.runId ?? newRunId(options.profileName ?? 'run'),
    profile: options.profileName ?? 'custom',
    seed: options.seed,
    fleetSize: options.fleetSize,
    workers,
    speed: options.speed,
    virtualStart,
    durationMs: options.durationMs,
    wallStart,
    target: options.target ?? 'custom',
    thresholds: thresholdTexts(options.thresholds ?? {}),
    intervalMs: options.intervalMs ?? 1000,
  };
}

export async function runLoad(options: RunOptions): Promise<RunResult> {
  const outputs = options.outputs ?? defaultOutputs(options);
  const intervalMs = options.intervalMs ?? 1000;
  const startedAt = Date.now();
  const virtualStart = options.virtualStart ?? startedAt;
  const aggregator = new MetricsAggregator(wallNow(), virtualStart);

  let end: { kind: RunEnd; reason?: string } | undefined;
  let endedAt = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const endRun = (kind: RunEnd, reason?: string) => {
    if (end) return;
    endedAt = Date.now();
    end = reason === undefined ? { kind } : { kind, reason };
    finish();
  };

  // Signals are ours from before the workers start until the outputs have ended: a Ctrl-C while they
  // load (seconds on a busy machine) or while the summary is written must still end in a summary and
  // exit 130, not kill the process with nothing written.
  const onSignal = (signal: NodeJS.Signals) => {
    if (end) {
      // Second signal while draining or flushing: the operator means it.
      process.exit(130);
    }
    endRun('interrupted', `${signal} received`);
  };
  const releaseSignals = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  if (options.handleSignals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  try {
    let swarm: Swarm;
    try {
      swarm = await Swarm.start({
        ...options,
        virtualStart,
        intervalMs,
        onDelta: (d) => aggregator.add(d),
        onFatal: (message) => endRun('aborted', message),
      });
    } catch (err) {
      // Workers could not even start (e.g. the behaviour module failed to load): nothing was sent.
      endRun('aborted', end?.reason ?? (err as Error).message);
      await outputs.start(metaOf(options, virtualStart, startedAt, 0));
      return await finishRun({
        options,
        outputs,
        aggregator,
        end: end!,
        startedAt,
        endedAt,
        virtualStart,
        virtualEnd: virtualStart,
        workers: 0,
      });
    }
    const clock = swarm.clock;
    // Rates count from the moment the shards started, not from before their (slow) module loading.
    const loadStartedAt = Date.now();
    aggregator.startAt(clock.wallNow());
    await outputs.start(metaOf(options, virtualStart, clock.wallNow(), swarm.workers));
    options.onStart?.(clock);

    const virtualEnd = virtualStart + options.durationMs;
    const endTimer = setTimeout(
      () => endRun('completed'),
      Math.max(0, clock.toWall(virtualEnd) - clock.wallNow()),
    );
    let probing = false;
    // bench:profile's --heap-at: the coordinator's heap too (merged metrics, outputs), not only the shards'.
    const snapshots = heapSnapshotsFromEnv('main');
    const emit = (stats: IntervalStats) => {
      outputs.interval(stats);
      options.onInterval?.(stats);
    };
    const tick = setInterval(() => {
      emit(aggregator.takeInterval(clock.wallNow(), Math.min(clock.now(), virtualEnd)));
      snapshots?.check(clock.now() - virtualStart);
      if (options.observerUrl && !probing) {
        probing = true;
        probeSite(options.observerUrl, options.observerToken, aggregator).finally(() => {
          probing = false;
        });
      }
    }, intervalMs);

    await finished;
    clearTimeout(endTimer);
    // A --heap-at moment at the run's end (the end timer may fire a ms, = speed virtual ms, early).
    snapshots?.check(clock.now() - virtualStart + intervalMs * clock.speed);
    try {
      await swarm.stop(options.drainMs ?? 5000);
    } finally {
      clearInterval(tick);
    }
    if (options.observerUrl) await probeSite(options.observerUrl, options.observerToken, aggregator);
    // The last interval (the drain included) reaches every output, not only the progress line.
    emit(aggregator.takeInterval(clock.wallNow(), Math.min(clock.now(), virtualEnd)));
    return await finishRun({
      options,
      outputs,
      aggregator,
      end: end!,
      startedAt: loadStartedAt,
      endedAt,
      virtualStart,
      virtualEnd: Math.min(clock.now(), virtualEnd),
      workers: swarm.workers,
    });
  } finally {
    releaseSignals();
  }
}

/** The site's own figures from its observer: the state-message backlog and per-deployment compliance. */
async function probeSite(
  observerUrl: string,
  token: string | undefined,
  aggregator: MetricsAggregator,
): Promise<void> {
  const [backlog, deployments] = await Promise.all([
    fetchBacklog(observerUrl, token === undefined ? {} : { token }),
    fetchDeploymentCompliance(observerUrl, token === undefined ? {} : { token }),
  ]);
  if (backlog) aggregator.addBacklog(backlog);
  if (deployments) aggregator.setDeployments(deployments);
}

async function finishRun(r: {
  options: RunOptions;
  outputs: OutputSet;
  aggregator: MetricsAggregator;
  end: { kind: RunEnd; reason?: string };
  /** Wall epoch ms the load started and ended (the end signal, before the drain). */
  startedAt: number;
  endedAt: number;
  virtualStart: number;
  virtualEnd: number;
  workers: number;
}): Promise<RunResult> {
  const { options, end } = r;
  const summary = buildSummary(
    {
      ...(options.profileName ? { profile: options.profileName } : {}),
      seed: options.seed,
      fleetSize: options.fleetSize,
      workers: r.workers,
      speed: options.speed,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      virtualStart: r.virtualStart,
      virtualEnd: r.virtualEnd,
      end: end.kind,
      ...(end.reason ? { endReason: end.reason } : {}),
    },
    r.aggregator,
    options.thresholds,
  );
  for (const t of summary.thresholds) {
    if (t.breached)
      r.outputs.event({
        virtualTime: r.virtualEnd,
        kind: 'threshold-breached',
        title: `threshold breached: ${t.description}`,
      });
  }
  r.outputs.event({
    virtualTime: r.virtualEnd,
    kind: 'run-ended',
    title: `run ${end.kind}${end.reason ? `: ${end.reason}` : ''}`,
  });
  const extra = options.finalize ? await options.finalize(summary) : {};
  const full: RunResult['summary'] = extra.run === undefined ? summary : { ...summary, run: extra.run };
  const reports = await r.outputs.end({
    summary: full,
    ...(extra.notesText ? { notesText: extra.notesText } : {}),
  });
  const withReports = { ...full, outputs: reports };
  const summaryFile = reports.find((o) => o.name === 'json')?.file;
  return summaryFile ? { summary: withReports, summaryFile } : { summary: withReports };
}

/**
 * A run that ended before any load was sent (interrupted or failed during start-up, discovery …): the
 * outputs still get a start and an end with a summary that says so.
 */
export async function reportWithoutLoad(
  options: RunOptions,
  end: { kind: RunEnd; reason: string },
): Promise<RunResult> {
  const outputs = options.outputs ?? defaultOutputs(options);
  const now = Date.now();
  const virtualStart = options.virtualStart ?? now;
  await outputs.start(metaOf(options, virtualStart, now, 0));
  return finishRun({
    options,
    outputs,
    aggregator: new MetricsAggregator(now, virtualStart),
    end,
    startedAt: now,
    endedAt: now,
    virtualStart,
    virtualEnd: virtualStart,
    workers: 0,
  });
}

export type { RunEvent };
