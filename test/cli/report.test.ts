// `patchstorm report DIR`: a run's folder becomes report.html; a folder that is not a run's is refused
// with exit 2 and a message naming the path and what was expected.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runReport } from '../../harness/cli/report.ts';
import { SUMMARY_FILE, TIMELINE_FILE } from '../../harness/metrics/outputs/timeline-format.ts';
import { syntheticTimeline } from '../metrics/report/synthetic-timeline.ts';
import { REPO_ROOT } from '../paths.ts';

const root = mkdtempSync(join(tmpdir(), 'ps-report-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function runFolder(name: string, intervals = 300): { dir: string; lines: string[] } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const timeline = syntheticTimeline({ intervals, virtualStepMs: 60_000 });
  const lines = timeline.map((l) => JSON.stringify(l));
  writeFileSync(join(dir, TIMELINE_FILE), `${lines.join('\n')}\n`);
  const end = timeline.at(-1)!;
  if (end.type === 'end') writeFileSync(join(dir, SUMMARY_FILE), JSON.stringify(end.summary));
  return { dir, lines };
}

async function report(dir: string, out?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let so = '';
  let se = '';
  stdout.on('data', (d) => {
    so += d;
  });
  stderr.on('data', (d) => {
    se += d;
  });
  const code = await runReport(dir, out, { stdout, stderr });
  return { code, stdout: so, stderr: se };
}

describe('patchstorm report', () => {
  it('writes DIR/report.html from the timeline and the summary', async () => {
    const { dir } = runFolder('ok');
    const r = await report(dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(dir, 'report.html'));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Threshold breached');
    expect(html).toContain('wsus.SyncUpdates');
  });

  it('writes where --out says', async () => {
    const { dir } = runFolder('out');
    const file = join(root, 'elsewhere', 'r.html');
    expect((await report(dir, file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('refuses a missing folder, a file, a folder without a timeline', async () => {
    const missing = await report(join(root, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(root, 'nope')}: no such folder`);
    expect(missing.stderr).toContain('timeline.ndjson and summary.json');

    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const notDir = await report(file);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain('is a file, not a folder');

    mkdirSync(join(root, 'empty'));
    const empty = await report(join(root, 'empty'));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(`${join(root, 'empty', TIMELINE_FILE)}: not found`);
  });

  it('names the line of a timeline that is not one', async () => {
    const { dir, lines } = runFolder('bad-line');
    lines[5] = '{"type":"interval","stats":{nope';
    writeFileSync(join(dir, TIMELINE_FILE), `${lines.join('\n')}\n`);
    const r = await report(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, TIMELINE_FILE)} line 6: not JSON`);

    lines[0] = '{"type":"interval"}';
    writeFileSync(join(dir, TIMELINE_FILE), `${lines.join('\n')}\n`);
    const noStart = await report(dir);
    expect(noStart.code).toBe(2);
    expect(noStart.stderr).toContain('line 1: expected the start line');

    writeFileSync(join(dir, TIMELINE_FILE), [runFolder('kind').lines[0], '{"type":"gauge"}'].join('\n'));
    const kind = await report(dir);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('line 2: unknown line type "gauge" (valid: start, interval, event, end)');
  });

  it('refuses a summary.json that is not a run summary', async () => {
    const { dir } = runFolder('bad-summary');
    writeFileSync(join(dir, SUMMARY_FILE), '{"schema":"something/1"}');
    const r = await report(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, SUMMARY_FILE)}: not a run summary`);
  });

  it('reports a run cut short: last line half written, no summary', async () => {
    const { dir, lines } = runFolder('cut');
    rmSync(join(dir, SUMMARY_FILE));
    const kept = lines.slice(0, 30);
    writeFileSync(join(dir, TIMELINE_FILE), `${kept.join('\n')}\n${lines[30]!.slice(0, 40)}`);
    const r = await report(dir);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('No verdict');
    expect(html).toContain('line 31 was cut short');
  });

  it('is a subcommand of the real CLI (exit 2 on a missing folder)', () => {
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bin/patchstorm.mjs'), 'report', join(root, 'nope')],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('patchstorm report:');
    expect(r.stderr).toContain('no such folder');
  });
});
