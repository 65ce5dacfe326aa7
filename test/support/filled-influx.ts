// Fills a real InfluxDB 1.x database with one real, short patchstorm run (test/support/review-profile.ts
// against the embedded site) through the InfluxDB output, and says which run and virtual time range it wrote.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { checkRunFlags, planRun } from '../../harness/cli/run-options.ts';
import { influxOutput } from '../../harness/metrics/outputs/influxdb.ts';
import { runPlan } from '../../harness/run/run-plan.ts';
import { BUILTIN_PROFILES } from '../../profiles/index.ts';
import { loadProfile } from '../../profiles/load.ts';
import { REPO_ROOT as repoRoot } from '../paths.ts';

export const REVIEW_PROFILE = join(repoRoot, 'test/support/review-profile.ts');

export interface FilledRun {
  runId: string;
  fromMs: number;
  toMs: number;
  /** What the run printed (for failure messages). */
  output: string;
}

/** The InfluxDB output's last line: "InfluxDB: N points written, M dropped · run ID, Grafana from=X to=Y". */
export function parseInfluxReport(
  text: string,
): { written: number; dropped: number; runId: string; fromMs: number; toMs: number } | undefined {
  const m =
    /InfluxDB: ([\d,]+) points written, ([\d,]+) dropped.*· run (\S+), Grafana from=(\d+) to=(\d+)/.exec(
      text,
    );
  if (!m) return undefined;
  const n = (s: string) => Number(s.replace(/,/g, ''));
  return { written: n(m[1]!), dropped: n(m[2]!), runId: m[3]!, fromMs: Number(m[4]), toMs: Number(m[5]) };
}

/** `patchstorm run --profile review-profile.ts --out influxdb=URL` in a child process (the CLI end to end). */
export async function fillViaCli(influxDbUrl: string): Promise<FilledRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'patchstorm-review-'));
  try {
    const child = spawn(
      process.execPath,
      [
        'bin/patchstorm.mjs',
        'run',
        '--profile',
        REVIEW_PROFILE,
        '--out',
        `influxdb=${influxDbUrl}`,
        '--out-dir',
        outDir,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    const report = parseInfluxReport(output);
    if (code !== 0 || !report || report.dropped > 0)
      throw new Error(`patchstorm run exited ${code}:\n${output}`);
    return { runId: report.runId, fromMs: report.fromMs, toMs: report.toMs, output };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * The same run in this process through runPlan's interval hook, feeding the InfluxDB output directly —
 * for as long as `run` has no `--out influxdb=` (the output seam). Events are not passed by that
 * hook: a 'run-started' event is written by hand so the events annotation has a row.
 */
export async function fillViaRunPlan(influxDbUrl: string): Promise<FilledRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'patchstorm-review-'));
  let printed = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      printed += String(chunk);
      done();
    },
  });
  try {
    const profile = await loadProfile(REVIEW_PROFILE, BUILTIN_PROFILES);
    const plan = planRun(profile, checkRunFlags({ profile: REVIEW_PROFILE, out: outDir }));
    const output = influxOutput(influxDbUrl, { outDir, env: {}, stdout: sink as never });
    await output.preflight?.();
    const runId = `review-${Date.now().toString(36)}`;
    let started: Promise<void> | undefined;
    const pending: Parameters<typeof output.interval>[0][] = [];
    const result = await runPlan(plan, {
      out: sink as never,
      onInterval: (stats) => {
        if (!started) {
          const virtualStart = stats.virtualTime - stats.elapsedMs * profile.speed;
          started = Promise.resolve(
            output.start({
              runId,
              profile: profile.name,
              seed: plan.seed,
              fleetSize: plan.fleetSize,
              workers: 1,
              speed: profile.speed,
              virtualStart,
              durationMs: profile.duration,
              wallStart: Date.now(),
              target: 'embedded',
              thresholds: [],
              intervalMs: 1000,
            }),
          ).then(() => {
            output.event({
              virtualTime: virtualStart,
              kind: 'run-started',
              title: `${profile.name} started`,
            });
            for (const s of pending.splice(0)) output.interval(s);
          });
        }
        pending.push(stats);
        void started.then(() => {
          for (const s of pending.splice(0)) output.interval(s);
        });
      },
    });
    await started;
    const report = await output.end({ summary: {} as never });
    const parsed = parseInfluxReport(report.detail);
    if (result.exitCode > 1 || !parsed || parsed.dropped > 0)
      throw new Error(`run exited ${result.exitCode}: ${report.detail}\n${printed}`);
    return { runId, fromMs: parsed.fromMs, toMs: parsed.toMs, output: printed };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
