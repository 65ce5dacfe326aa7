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
import { type RunOptions, runLoad } from '../engine/run.ts';
import { CONNECTIONS, MAX_IN_FLIGHT } from '../engine/send-limits.ts';
import type { IntervalStats } from '../metrics/aggregator.ts';
import { EXIT_INTERRUPTED } from '../metrics/exit-codes.ts';
import { writeSummaryJson } from '../metrics/summary-json.ts';
import { discoverInChildProcess } from './discover-process.ts';
import { type EmbeddedSite, startEmbeddedSite } from './embedded-site.ts';
import { buildsOf, fleetBehaviourOptions } from './fleet-options.ts';
import { ObserverClient } from './observer-client.ts';
import type { ExternalTarget, RunPlan } from './plan.ts';
import { formatNotes, type RunNotes, type RunReport } from './run-notes.ts';
import { frozenSiteTime, startSiteClocks } from './site-clock.ts';
import { SiteEventScheduler } from './site-events.ts';
import { seedSusRegistrations, startsRegistered } from './seed-registrations.ts';

type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface RunPlanResult {
  exitCode: number;
  report?: RunReport;
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
    transport: { ...plan.tls, ...(plan.connections !== undefined ? { connections: plan.connections } : {}) },
    ...(plan.maxInFlight !== undefined ? { maxInFlight: plan.maxInFlight } : {}),
  };
}

/** Resolves to the signal name when SIGINT/SIGTERM arrives before the load starts (runLoad then owns them). */
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
  /** Every metrics interval, after the built-in sinks. */
  onInterval?(stats: IntervalStats): void;
}

export async function runPlan(plan: RunPlan, hooks: RunPlanHooks = {}): Promise<RunPlanResult> {
  const out = hooks.out ?? process.stdout;
  const { profile } = plan;
  const warnings = planWarnings(plan);
  for (const w of warnings) out.write(`warning: ${w}\n`);
  let signals = earlySignals();
  let site: EmbeddedSite | undefined;
  let susdbSeeded: number | undefined;
  let externalObserver: ObserverClient | undefined;
  const interrupted = (): RunPlanResult | undefined => {
    const s = signals.fired();
    if (!s) return undefined;
    out.write(`${s} received before the load started: stopping (nothing to summarise)\n`);
    return { exitCode: EXIT_INTERRUPTED };
  };
  try {
    let targets: FleetTargets;
    let observers: ObserverClient[];
    if (plan.target.kind === 'embedded') {
      out.write(
        `starting the embedded reference site (${profile.site.supNodes} SUP node${profile.site.supNodes > 1 ? 's' : ''}, seed ${plan.seed})\n`,
      );
      site = await startEmbeddedSite(profile, plan.seed);
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
      externalObserver = plan.target.observer ? new ObserverClient(plan.target.observer) : undefined;
      observers = externalObserver ? [externalObserver] : [];
    }
    const early = interrupted();
    if (early) return early;

    // The run's virtual time starts at the (frozen) embedded site time, so both agree from the start.
    const virtualStart = site ? await frozenSiteTime(observers) : Date.now();
    const builds = buildsOf(profile);
    out.write(
      `discovering the catalog: one cold scan per OS build (${builds.join(', ')}) against ${targets.sups[0]}\n`,
    );
    const discoveryStarted = Date.now();
    const knowledge: CatalogKnowledge = await discoverInChildProcess({
      supUrl: targets.sups[0]!,
      mpUrl: targets.mp,
      siteCode: targets.siteCode,
      builds,
      tls: plan.tls,
    });
    const discoveryMs = Date.now() - discoveryStarted;
    out.write(
      `  catalog version ${knowledge.catalogVersion}, ${knowledge.updates.length} updates known (${(discoveryMs / 1000).toFixed(1)} s)\n`,
    );
    const interruptedAgain = interrupted();
    if (interruptedAgain) return interruptedAgain;

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
      ...(observers.length === 0
        ? {
            skipReason:
              'the target has no observer API (--observer): do this on the site yourself at that time, or use the embedded site',
          }
        : {}),
    });
    let clockOffsets: Promise<number[]> | undefined;
    let maxRss = process.memoryUsage.rss();
    signals.dispose();
    out.write(
      `running '${profile.name}': ${plan.fleetSize.toLocaleString('en-US')} clients, ${formatDuration(plan.durationMs)} at x${plan.speed} ` +
        `(about ${formatDuration(Math.ceil(plan.durationMs / plan.speed / 1000) * 1000)} wall)\n`,
    );
    const { summary } = await runLoad({
      fleetSize: plan.fleetSize,
      workers: plan.workers ?? defaultWorkers(plan),
      seed: plan.seed,
      speed: plan.speed,
      durationMs: plan.durationMs,
      virtualStart,
      behaviourModule: FLEET_BEHAVIOUR_MODULE,
      behaviourOptions,
      ...sendOptions(plan),
      thresholds: plan.thresholds,
      profileName: profile.name,
      ...(observers[0] ? { observerUrl: observers[0].base } : {}),
      out,
      onStart: (clock: VirtualClock) => {
        if (site) clockOffsets = startSiteClocks(observers, clock);
        scheduler.start(clock, virtualStart);
      },
      onInterval: (stats) => {
        // The main process's RSS includes the worker threads' heaps.
        maxRss = Math.max(maxRss, process.memoryUsage.rss());
        hooks.onInterval?.(stats);
      },
    });
    // Between the end of the load and the clean-up a signal must not kill us before the site stops.
    signals = earlySignals();
    const notes: RunNotes = {
      target: await targetNote(plan, site, clockOffsets, susdbSeeded),
      catalog: { version: knowledge.catalogVersion, updates: knowledge.updates.length, builds, discoveryMs },
      siteEvents: await scheduler.stop(),
      warnings,
      harness: {
        maxRssBytes: maxRss,
        bytesPerClient: maxRss / plan.fleetSize,
        connectionsPerOrigin: plan.connections ?? CONNECTIONS.default,
        maxInFlight: plan.maxInFlight ?? MAX_IN_FLIGHT.default,
      },
    };
    const report: RunReport = { ...summary, run: notes };
    const summaryFile = await writeSummaryJson(plan.outDir, report);
    out.write(`${formatNotes(notes)}\nsummary written to ${summaryFile}\n`);
    return { exitCode: summary.exitCode, report, summaryFile };
  } finally {
    signals.dispose();
    await externalObserver?.close();
    if (site) await site.stop();
  }
}
