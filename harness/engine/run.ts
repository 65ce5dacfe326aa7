// One load run from start to summary: starts the swarm, merges metric deltas every interval and
// feeds the live sinks, stops at the end of the virtual duration (or on SIGINT/SIGTERM, or on a
// fatal worker error) with a bounded drain, then builds, writes and prints the summary.
import { join } from 'node:path';
import { type IntervalStats, MetricsAggregator } from '../metrics/aggregator.ts';
import { fetchBacklog } from '../metrics/backlog-probe.ts';
import { ProgressSink } from '../metrics/progress-sink.ts';
import { buildSummary, type RunEnd, type RunSummary } from '../metrics/summary.ts';
import { writeSummaryJson } from '../metrics/summary-json.ts';
import { formatSummary } from '../metrics/summary-table.ts';
import type { Thresholds } from '../metrics/thresholds.ts';
import { type VirtualClock, wallNow } from './clock.ts';
import { Swarm, type SwarmOptions } from './swarm.ts';

export interface RunOptions extends Omit<SwarmOptions, 'onDelta' | 'onFatal'> {
  /** Virtual duration of the run, ms. */
  durationMs: number;
  profileName?: string;
  thresholds?: Thresholds;
  /** Folder for summary.json (omit to skip writing). */
  outputDir?: string;
  /** Reference-site observer URL: sampled for the state-message backlog each interval. */
  observerUrl?: string;
  /** In-flight requests get this long to finish at the end, wall ms (default 5000). */
  drainMs?: number;
  /** Where progress and the summary go (default process.stdout; null = silent). */
  out?: (NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) | null;
  /** Handle SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** Called every interval with merged stats (extra sinks, e.g. InfluxDB). */
  onInterval?(stats: IntervalStats): void;
  /**
   * Called once the shards run, with the run's clock: the moment virtual time starts moving. Added for
   * `patchstorm run`, which starts the embedded site's clock and schedules site-side events from it.
   */
  onStart?(clock: VirtualClock): void;
}

export interface RunResult {
  summary: RunSummary;
  summaryFile?: string;
}

export async function runLoad(options: RunOptions): Promise<RunResult> {
  const out = options.out === undefined ? process.stdout : options.out;
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

  // Signals are ours from before the workers start: a Ctrl-C while they load (seconds on a busy
  // machine) must still end in a summary and exit 130, not kill the process with nothing written.
  const onSignal = (signal: NodeJS.Signals) => {
    if (end) {
      // Second signal while draining: the operator means it.
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
    releaseSignals();
    endRun('aborted', end?.reason ?? (err as Error).message);
    return report({
      options,
      out,
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
  options.onStart?.(clock);
  // Rates count from the moment the shards started, not from before their (slow) module loading.
  const loadStartedAt = Date.now();
  aggregator.startAt(clock.wallNow());
  const progress = out
    ? new ProgressSink({
        out,
        virtualStart,
        virtualDurationMs: options.durationMs,
        wallStart: clock.wallNow(),
      })
    : undefined;

  const virtualEnd = virtualStart + options.durationMs;
  const endTimer = setTimeout(
    () => endRun('completed'),
    Math.max(0, clock.toWall(virtualEnd) - clock.wallNow()),
  );
  let probing = false;
  const tick = setInterval(() => {
    const stats = aggregator.takeInterval(clock.wallNow(), Math.min(clock.now(), virtualEnd));
    progress?.onInterval(stats);
    options.onInterval?.(stats);
    if (options.observerUrl && !probing) {
      probing = true;
      fetchBacklog(options.observerUrl)
        .then((b) => b && aggregator.addBacklog(b))
        .finally(() => {
          probing = false;
        });
    }
  }, intervalMs);

  await finished;
  clearTimeout(endTimer);
  await swarm.stop(options.drainMs ?? 5000);
  clearInterval(tick);
  releaseSignals();
  if (options.observerUrl) {
    const b = await fetchBacklog(options.observerUrl);
    if (b) aggregator.addBacklog(b);
  }
  const finalStats = aggregator.takeInterval(clock.wallNow(), Math.min(clock.now(), virtualEnd));
  progress?.onInterval(finalStats);
  progress?.end();

  return report({
    options,
    out,
    aggregator,
    end: end!,
    startedAt: loadStartedAt,
    endedAt,
    virtualStart,
    virtualEnd: Math.min(clock.now(), virtualEnd),
    workers: swarm.workers,
  });
}

async function report(r: {
  options: RunOptions;
  out: RunOptions['out'];
  aggregator: MetricsAggregator;
  end: { kind: RunEnd; reason?: string };
  /** Wall epoch ms the load started and ended (the end signal, before the drain). */
  startedAt: number;
  endedAt: number;
  virtualStart: number;
  virtualEnd: number;
  workers: number;
}): Promise<RunResult> {
  const { options, out, end } = r;
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
  const summaryFile = options.outputDir ? await writeSummaryJson(options.outputDir, summary) : undefined;
  if (out) {
    out.write(`${formatSummary(summary)}\n`);
    if (summaryFile) out.write(`summary written to ${join(summaryFile)}\n`);
  }
  return summaryFile ? { summary, summaryFile } : { summary };
}
