// Shared body of the scale benchmarks (bench/scale.ts, bench/day.ts): one `patchstorm run` of a
// built-in profile against the embedded site, with the generator's and the site's CPU measured, then
// the figures printed. Not a test: it reports, it does not judge (beyond saying what limited the run).
import { availableParallelism } from 'node:os';
import { BUILTIN_PROFILES } from '../profiles/index.ts';
import { checkRunFlags, planRun, timestampFolder } from '../harness/cli/run-options.ts';
import { benchFigures } from '../harness/run/bench-figures.ts';
import { processCpuSeconds } from '../harness/run/process-cpu.ts';
import { processRssBytes } from '../harness/run/process-rss.ts';
import type { RunReport } from '../harness/run/run-notes.ts';
import { runPlan } from '../harness/run/run-plan.ts';

export interface BenchRun {
  name: string;
  profile: string;
  clients: number;
  speed: number;
  duration: string;
  workers?: number;
  /** Extra `--out` outputs (e.g. influxdb=URL, to measure what streaming costs the generator). */
  outputs?: string[];
}

export interface BenchOutcome {
  exitCode: number;
  text: string;
  wallMs: number;
  /** How the run ended, how much virtual time it covered and whether it kept to its schedule
   *  (absent when the run did not start). */
  run?: { end: string; virtualDurationMs: number; keptUp: boolean };
}

export async function runBench(b: BenchRun): Promise<BenchOutcome> {
  const profile = BUILTIN_PROFILES.get(b.profile)!;
  const plan = planRun(
    profile,
    checkRunFlags({
      clients: String(b.clients),
      speed: String(b.speed),
      duration: b.duration,
      ...(b.workers !== undefined ? { workers: String(b.workers) } : {}),
      outDir: `reports/${b.name}-${timestampFolder()}`,
      ...(b.outputs ? { out: b.outputs } : {}),
    }),
  );
  const sitePids: number[] = [];
  const siteCpu = new Map<number, number>();
  // The site's RSS is not the generator's target, but it shares the machine: its peak (all its processes).
  let siteRssMax = 0;
  const sampleSite = () => {
    let rss = 0;
    for (const pid of sitePids) {
      const s = processCpuSeconds(pid);
      if (s !== undefined) siteCpu.set(pid, s);
      rss += processRssBytes(pid) ?? 0;
    }
    siteRssMax = Math.max(siteRssMax, rss);
  };
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  const result = await runPlan(plan, {
    onSiteStarted: (site) => sitePids.push(...site.processes.map((p) => p.pid)),
    onInterval: sampleSite,
  });
  const wallMs = Date.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  if (!result.report.run)
    return { exitCode: result.exitCode, text: `the run did not start: ${result.report.endReason}`, wallMs };
  const cores = availableParallelism();
  const generatorCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const siteCpuSeconds = [...siteCpu.values()].reduce((a, b) => a + b, 0);
  const report = result.report as RunReport;
  const figures = benchFigures(report, { generatorCpuSeconds, siteCpuSeconds, cores });
  return {
    exitCode: result.exitCode,
    wallMs,
    run: {
      end: report.end,
      virtualDurationMs: report.virtualDurationMs,
      keptUp: report.generator.keptUp,
    },
    text: `${figures}\nsite RSS max           ${(siteRssMax / 1048576).toFixed(1)} MiB (all site processes; not the target)\nwall time including site start and catalog discovery: ${(wallMs / 1000).toFixed(0)} s\n${limits(
      report,
      generatorCpuSeconds,
      siteCpuSeconds,
      cores,
    )}`,
  };
}

/** Plain words on what held the run back, from lateness, skips and where the CPU went. */
function limits(r: RunReport, generatorCpu: number, siteCpu: number, cores: number): string {
  const wallS = r.wallDurationMs / 1000;
  const busy = (generatorCpu + siteCpu) / (wallS * cores);
  const skipped = Object.values(r.generator.skipped).reduce((a, b) => a + b, 0);
  const problems: string[] = [];
  if (!r.generator.keptUp)
    problems.push(
      `the generator fell behind (lateness p99 ${r.generator.lateness.p99Ms.toFixed(0)} ms, ${skipped} skipped)`,
    );
  if (busy > 0.85) {
    problems.push(
      `the machine was CPU-bound (${(busy * 100).toFixed(0)}% of ${cores} cores): generator ${((100 * generatorCpu) / wallS).toFixed(0)}%, site ${((100 * siteCpu) / wallS).toFixed(0)}% of one core`,
    );
  }
  if (r.totals.errors > 0) problems.push(`${r.totals.errors} request errors (by kind above)`);
  return problems.length === 0
    ? 'limits: none seen (kept to schedule, CPU to spare)'
    : `limits: ${problems.join('; ')}`;
}
