// Fills a real InfluxDB 1.x database with one real, short patchstorm run (test/support/review-profile.ts
// against the embedded site) through the InfluxDB output, and says which run and virtual time range it wrote.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
