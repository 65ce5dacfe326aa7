// Runs a RunPlan end to end: target (embedded site processes or the operator's servers), catalog
// discovery, fleet options, site-side events, the load run, the report, and the clean-up that must
// happen however the run ends (the embedded site is always stopped).
import { availableParallelism } from 'node:os';
import { formatDuration } from '../../profiles/index.ts';
import type { VirtualClock } from '../engine/clock.ts';
import {
  type CatalogKnowledge,
  FLEET_BEHAVIOUR_MODULE,
  type FleetTargets,
  validateBehaviourOptions,
} from '../engine/fleet-adapter/index.ts';
import { newRunId, type RunOptions, reportWithoutLoad, runLoad } from '../engine/run.ts';
import { CONNECTIONS, MAX_IN_FLIGHT } from '../engine/send-limits.ts';
import type { IntervalStats } from '../metrics/aggregator.ts';
import { OutputSet } from '../metrics/outputs/output-set.ts';
import { createOutputs } from '../metrics/outputs/outputs.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { DiscoveryFailed, discoverInChildProcess } from './discover-process.ts';
import { type EmbeddedSite, startEmbeddedSite } from './embedded-site.ts';
import { buildsOf, fleetBehaviourOptions } from './fleet-options.ts';
import { ObserverClient } from './observer-client.ts';
import type { ExternalTarget, RunPlan } from './plan.ts';
import { idleTargetWarnings } from './idle-targets.ts';
import { formatNotes, type RunNotes, type RunReport } from './run-notes.ts';
import { frozenSiteTime, startSiteClocks } from './site-clock.ts';
import { SiteEventScheduler } from './site-events.ts';
import { seedSusRegistrations, startsRegistered } from './seed-registrations.ts';

type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface RunPlanResult {
  exitCode: number;
  /** summary.json's content; `run` (the notes) is absent when the run ended before the load. */
  report: RunSummary & { run?: RunNotes };
  summaryFile?: string;
}

/** Warnings that follow from the plan alone (printed before the run, kept in the notes). */
export function planWarnings(plan: RunPlan): string[] {
  const w: string[] = [];
  const { site } = plan.profile;
  if (plan.target.kind === 'external' && plan.speed !== 1) {
    w.push(
      `the clients run ${plan.speed}x faster than real time, but the servers' own timers do not: the WSUS ` +
        'cookie lifetime, state-message processing and anything else the site schedules run in real time, so ' +
        `a 60-minute cookie lasts ${formatDuration(60 * 60_000 * plan.speed)} of client time and the backlog drains ` +
        `${plan.speed}x slower than the clients expect`,
    );
  }
  if (plan.target.kind === 'embedded' && (site.managementPoints > 1 || site.distributionPoints > 1)) {
    w.push(
      `the embedded site has one MP and one DP (site.managementPoints=${site.managementPoints}, ` +
        `site.distributionPoints=${site.distributionPoints} are not modelled): all clients use the same MP and DP`,
    );
  }
  if (plan.target.kind === 'external' && (site.catalog || site.processor)) {
    w.push(
      "site.catalog and site.processor apply to the embedded site only: the target's own settings are used",
    );
  }
  return w;
}

async function targetNote(
  plan: RunPlan,
  site: EmbeddedSite | undefined,
  clockOffsets: Promise<number[]> | undefined,
  susdbSeeded: number | undefined,
): Promise<RunNotes['target']> {
  if (site) {
    return {
      kind: 'embedded',
      supNodes: site.sups.length,
      mp: site.mp,
      sups: site.sups,
      observer: site.observers[0]!.base,
      ...(susdbSeeded !== undefined ? { susdbSeededClients: susdbSeeded } : {}),
      ...(clockOffsets ? { clockOffsetsMs: await clockOffsets.catch(() => []) } : {}),
    };
  }
  const t = plan.target as ExternalTarget;
  return {
    kind: 'external',
    mp: t.mp,
    sups: t.sups,
    dps: t.dps,
    ...(t.observer ? { observer: t.observer } : {}),
  };
}

/**
 * One worker per core, less one for the embedded site's process when there is one (it is single-threaded
 * and needs a core of its own, or its latency includes waiting for ours). Each worker also costs ~150 MB
 * of baseline memory (its own module graph and catalog tables), so fewer is better when they keep up.
 */
export function defaultWorkers(plan: RunPlan): number {
  const cores = availableParallelism();
  return plan.target.kind === 'embedded' ? Math.max(1, cores - 1) : cores;
}

/** What the workers' transports and shard runners get from the plan: TLS trust and the send limits. */
export function sendOptions(plan: RunPlan): Pick<RunOptions, 'transport' | 'maxInFlight'> {
  return {
    transport: {
      ...plan.tls,
      ...plan.limits,
      ...(plan.connections !== undefined ? { connections: plan.connections } : {}),
    },
    ...(plan.maxInFlight !== undefined ? { maxInFlight: plan.maxInFlight } : {}),
  };
}

/** Records SIGINT/SIGTERM while runLoad does not own them (start-up, discovery, clean-up). */
function earlySignals(): { fired: () => string | undefined; dispose: () => void } {
  let fired: string | undefined;
  const on = (s: NodeJS.Signals) => {
    fired ??= s;
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    fired: () => fired,
    dispose: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

export interface RunPlanHooks {
  /** Where progress, the summary and the notes go (default process.stdout). */
  out?: Out;
  /** The embedded site is up (benchmarks read its processes' CPU time). */
  onSiteStarted?(site: EmbeddedSite): void;
  /** Every metrics interval, after the outputs. */
  onInterval?(stats: IntervalStats): void;
  /** Environment the outputs read (PATCHSTORM_INFLUXDB_TOKEN …); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The target tag of the outputs: 'embedded', or the first SUP of the operator's site. */
function targetTag(plan: RunPlan): string {
  return plan.target.kind === 'embedded' ? 'embedded' : (plan.target.sups[0] ?? plan.target.mp);
}

export async function runPlan(plan: RunPlan, hooks: RunPlanHooks = {}): Promise<RunPlanResult> {
  const out = hooks.out ?? process.stdout;
  const { profile } = plan;
  const outputs = new OutputSet(
    createOutputs(plan.outputs, {
      outDir: plan.outDir,
      env: hooks.env ?? process.env,
      stdout: out,
      ...(plan.grafanaUrl ? { grafanaUrl: plan.grafanaUrl } : {}),
    }),
  );
  // Signals are recorded from the first moment: a Ctrl-C at any point of start-up ends the run with a
  // summary saying where it stopped (exit 130), never in a run that goes ahead regardless.
  let signals = earlySignals();
  // Before anything starts: a folder that cannot be written or an InfluxDB that does not answer is an
  // invalid option (exit 2), not a failure after an hour of load.
  try {
    await outputs.preflight();
  } catch (err) {
    signals.dispose();
    throw err;
  }
  const runId = newRunId(profile.name);
  const warnings = planWarnings(plan);
  out.write(`run id ${runId} (outputs: ${outputs.names.join(', ')}; folder ${plan.outDir})\n`);
  for (const w of warnings) out.write(`warning: ${w}\n`);
  let site: EmbeddedSite | undefined;
  let susdbSeeded: number | undefined;
  let externalObserver: ObserverClient | undefined;
  let virtualStart: number | undefined;
  const loadOptions = (): RunOptions => ({
    fleetSize: plan.fleetSize,
    workers: plan.workers ?? defaultWorkers(plan),
    seed: plan.seed,
    speed: plan.speed,
    durationMs: plan.durationMs,
    ...(virtualStart !== undefined ? { virtualStart } : {}),
    behaviourModule: FLEET_BEHAVIOUR_MODULE,
    behaviourOptions: {},
    ...sendOptions(plan),
    thresholds: plan.thresholds,
    profileName: profile.name,
    outputs,
    runId,
    target: targetTag(plan),
  });
  /** The run ended before any load: the outputs still get a summary that says where and why. */
  const endedBeforeLoad = async (kind: 'interrupted' | 'aborted', reason: string): Promise<RunPlanResult> => {
    out.write(`${kind === 'interrupted' ? 'interrupted' : 'the run could not happen'}: ${reason}\n`);
    const { summary, summaryFile } = await reportWithoutLoad(loadOptions(), { kind, reason });
    return {
      exitCode: summary.exitCode,
      report: summary as RunSummary,
      ...(summaryFile ? { summaryFile } : {}),
    };
  };
  const interruptedAt = (stage: string): Promise<RunPlanResult> | undefined => {
    const s = signals.fired();
    return s ? endedBeforeLoad('interrupted', `${s} received ${stage}: no load was sent`) : undefined;
  };
  try {
    let targets: FleetTargets;
    let observers: ObserverClient[];
    if (plan.target.kind === 'embedded') {
      out.write(
        `starting the embedded reference site (${profile.site.supNodes} SUP node${profile.site.supNodes > 1 ? 's' : ''}, seed ${plan.seed})\n`,
      );
      try {
        site = await startEmbeddedSite(profile, plan.seed);
      } catch (err) {
        return (
          (await interruptedAt('while the embedded site started')) ??
          (await endedBeforeLoad('aborted', `the embedded site did not start: ${(err as Error).message}`))
        );
      }
      targets = { mp: site.mp, sups: site.sups, siteCode: site.siteCode };
      observers = site.observers;
      hooks.onSiteStarted?.(site);
      out.write(
        `  mp ${site.mp}  sup ${site.sups.join(' ')}  observer ${site.observers[0]!.base}/api/stats\n`,
      );
      // A warm fleet is one the site's SUSDB already knows: the fresh embedded site must know it too.
      if (startsRegistered(profile)) {
        susdbSeeded = await seedSusRegistrations(site.observers, plan.seed, plan.fleetSize);
        out.write(
          `  SUSDB seeded with ${susdbSeeded.toLocaleString('en-US')} warm clients (registered as if by RegisterComputer)\n`,
        );
      }
    } else {
      targets = { mp: plan.target.mp, sups: plan.target.sups, siteCode: plan.target.siteCode };
      externalObserver = plan.target.observer
        ? new ObserverClient(plan.target.observer, plan.target.observerToken)
        : undefined;
      observers = externalObserver ? [externalObserver] : [];
    }
    const early = interruptedAt('while the site started');
    if (early) return await early;

    // The run's virtual time starts at the (frozen) embedded site time, so both agree from the start.
    virtualStart = site ? await frozenSiteTime(observers) : Date.now();
    const builds = buildsOf(profile);
    out.write(
      `discovering the catalog: one cold scan per OS build (${builds.join(', ')}) against ${targets.sups[0]}\n`,
    );
    const discoveryStarted = Date.now();
    let knowledge: CatalogKnowledge;
    try {
      knowledge = await discoverInChildProcess({
        supUrl: targets.sups[0]!,
        mpUrl: targets.mp,
        siteCode: targets.siteCode,
        builds,
        tls: plan.tls,
        limits: plan.limits,
      });
    } catch (err) {
      // A Ctrl-C also stops the discovery child (same process group): that is an interruption.
      const interrupted = interruptedAt('during catalog discovery');
      if (interrupted) return await interrupted;
      if (err instanceof DiscoveryFailed) return await endedBeforeLoad('aborted', err.message);
      throw err;
    }
    const discoveryMs = Date.now() - discoveryStarted;
    out.write(
      `  catalog version ${knowledge.catalogVersion}, ${knowledge.updates.length} updates known (${(discoveryMs / 1000).toFixed(1)} s)\n`,
    );
    const interruptedAgain = interruptedAt('after catalog discovery');
    if (interruptedAgain) return await interruptedAgain;

    const behaviourOptions = fleetBehaviourOptions({
      profile,
      seed: plan.seed,
      virtualStart,
      targets,
      knowledge,
    });
    validateBehaviourOptions(behaviourOptions);
    const scheduler = new SiteEventScheduler(profile.events, {
      observers,
      onEvent: (e) => outputs.event(e),
      ...(observers.length === 0
        ? {
            skipReason:
              'the target has no observer API (--observer): do this on the site yourself at that time, or use the embedded site',
          }
        : {}),
    });
    let clockOffsets: Promise<number[]> | undefined;
    let maxRss = process.memoryUsage.rss();
    out.write(
      `running '${profile.name}': ${plan.fleetSize.toLocaleString('en-US')} clients, ${formatDuration(plan.durationMs)} at x${plan.speed} ` +
        `(about ${formatDuration(Math.ceil(plan.durationMs / plan.speed / 1000) * 1000)} wall)\n`,
    );
    // runLoad owns the signals from its first statement; ours are handed over in the same tick.
    const loading = runLoad({
      ...loadOptions(),
      virtualStart,
      behaviourOptions,
      ...(observers[0] ? { observerUrl: observers[0].base } : {}),
      ...(site ? { observerToken: site.observerToken } : {}),
      ...(plan.target.kind === 'external' && plan.target.observerToken
        ? { observerToken: plan.target.observerToken }
        : {}),
      onStart: (clock: VirtualClock) => {
        if (site) clockOffsets = startSiteClocks(observers, clock);
        scheduler.start(clock, virtualStart!);
      },
      onInterval: (stats) => {
        // The main process's RSS includes the worker threads' heaps.
        maxRss = Math.max(maxRss, process.memoryUsage.rss());
        hooks.onInterval?.(stats);
      },
      finalize: async (summary) => {
        const notes: RunNotes = {
          target: await targetNote(plan, site, clockOffsets, susdbSeeded),
          catalog: {
            version: knowledge.catalogVersion,
            updates: knowledge.updates.length,
            builds,
            discoveryMs,
          },
          siteEvents: await scheduler.stop(),
          warnings: [...warnings, ...idleTargetWarnings(summary)],
          harness: {
            maxRssBytes: maxRss,
            bytesPerClient: maxRss / plan.fleetSize,
            connectionsPerOrigin: plan.connections ?? CONNECTIONS.default,
            maxInFlight: plan.maxInFlight ?? MAX_IN_FLIGHT.default,
          },
        };
        return { run: notes, notesText: formatNotes(notes) };
      },
    });
    signals.dispose();
    const { summary, summaryFile } = await loading;
    // Between the end of the load and the clean-up a signal must not kill us before the site stops.
    signals = earlySignals();
    const report = summary as RunReport;
    return { exitCode: summary.exitCode, report, ...(summaryFile ? { summaryFile } : {}) };
  } finally {
    signals.dispose();
    await externalObserver?.close();
    if (site) await site.stop();
  }
}
