// `--out html=FILE`: checked before the run, fed like every output, written once at the end with a
// bounded number of points however long the run.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { htmlOutput } from '../../../harness/metrics/outputs/html.ts';
import { OutputError, type RunOutput } from '../../../harness/metrics/outputs/output.ts';
import { OUTPUT_KINDS, parseOutFlags } from '../../../harness/metrics/outputs/outputs.ts';
import type { OutputContext } from '../../../harness/metrics/outputs/registry.ts';
import { syntheticTimeline } from './synthetic-timeline.ts';

const root = mkdtempSync(join(tmpdir(), 'ps-html-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ctx = (outDir: string): OutputContext => ({ outDir, env: {}, stdout: null });

async function feed(output: RunOutput, intervals: number, virtualStepMs: number) {
  let end: Parameters<RunOutput['end']>[0] | undefined;
  for (const line of syntheticTimeline({ intervals, virtualStepMs })) {
    if (line.type === 'start') await output.start(line.meta);
    else if (line.type === 'interval') output.interval(line.stats);
    else if (line.type === 'event') output.event(line.event);
    else end = { summary: line.summary };
  }
  return output.end(end!);
}

function pageData(file: string): {
  x: number[];
  series: Record<string, unknown[]>;
  charts: { id: string }[];
} {
  const html = readFileSync(file, 'utf8');
  const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
  return JSON.parse(json);
}

describe('--out html', () => {
  it('writes FILE relative to the run folder, report.html by default', () => {
    expect(htmlOutput('r/x.html', ctx(root)).name).toBe('html');
    expect(OUTPUT_KINDS.html?.factory).toBe(htmlOutput);
    expect(parseOutFlags(['html=r.html']).specs).toEqual([{ name: 'html', arg: 'r.html' }]);
  });

  it('preflight fails, naming the file, when it cannot be written', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'x');
    const out = htmlOutput('report.html', ctx(blocker));
    await expect(out.preflight!()).rejects.toThrow(OutputError);
    await expect(out.preflight!()).rejects.toThrow(
      `--out html: cannot write ${join(blocker, 'report.html')}`,
    );
  });

  it('preflight leaves no file behind', async () => {
    const dir = join(root, 'pre');
    await htmlOutput(undefined, ctx(dir)).preflight!();
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('writes the report at the end and names it', async () => {
    const dir = join(root, 'run');
    const out = htmlOutput(undefined, ctx(dir));
    await out.preflight!();
    const report = await feed(out, 300, 60_000);
    const file = join(dir, 'report.html');
    expect(report).toMatchObject({ name: 'html', ok: true, file });
    expect(report.detail).toContain(file);
    expect(report.detail).toContain('300 intervals');
    const data = pageData(file);
    expect(data.x).toHaveLength(300);
    expect(data.charts.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'rate',
        'errors',
        'backlog',
        'fleet-compliance',
        'deployment-0',
        'scans',
        'generator',
      ]),
    );
  });

  it('keeps at most 2,000 points per series for a long run (20,000 intervals)', async () => {
    const file = join(root, 'long', 'day.html');
    await feed(htmlOutput(file, ctx(root)), 20_000, 5000);
    const data = pageData(file);
    expect(data.x.length).toBeLessThanOrEqual(2000);
    for (const values of Object.values(data.series)) expect(values).toHaveLength(data.x.length);
  });
});
