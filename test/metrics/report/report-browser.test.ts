// The HTML report in real headless Chromium (Debian's /usr/bin/chromium through playwright-core): it
// opens with every network request blocked (self-contained), logs no console error and no page error,
// draws every chart (data pixels on every canvas, event markers on every chart), runs no injected
// script, and leaves a screenshot in reports/test-artifacts/ to look at. Two inputs: a real short
// `patchstorm run --out html` against the embedded site (report.png), and a synthetic day-long Patch
// Tuesday that is downsampled and has every chart kind and hostile text (report-synthetic.png).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../../harness/cli/report.ts';
import { SUMMARY_FILE, TIMELINE_FILE } from '../../../harness/metrics/outputs/timeline-format.ts';
import { REPO_ROOT } from '../../paths.ts';
import { HOSTILE_TITLE, syntheticTimeline } from './synthetic-timeline.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(REPO_ROOT, 'reports/test-artifacts');

const root = mkdtempSync(join(tmpdir(), 'ps-report-browser-'));
let browser: Browser | undefined;

/** A real Patch Tuesday of 300 clients, 1 h 30 min of site time at ×300, with `--out html`. */
async function realRun(): Promise<string> {
  const dir = join(root, 'real');
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin/patchstorm.mjs'),
      'run',
      '--profile',
      'patch-tuesday',
      '--clients',
      '300',
      '--duration',
      '90m',
      '--speed',
      '300',
      '--out-dir',
      dir,
      '--out',
      'html',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  // 0 or 1 (a threshold of the profile breached on a loaded machine): the run completed either way.
  expect([0, 1], output).toContain(code);
  expect(output).toContain(`html: written to ${join(dir, 'report.html')}`);
  return dir;
}

/** A synthetic day-long Patch Tuesday (2,880 intervals, downsampled) through `patchstorm report DIR`. */
async function syntheticRun(): Promise<string> {
  const dir = join(root, 'synthetic');
  mkdirSync(dir);
  const lines = syntheticTimeline({ intervals: 2880, virtualStepMs: 30_000 });
  writeFileSync(join(dir, TIMELINE_FILE), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const end = lines.at(-1)!;
  if (end.type === 'end') writeFileSync(join(dir, SUMMARY_FILE), JSON.stringify(end.summary));
  const code = await runReport(dir, undefined, { stdout: process.stdout, stderr: process.stderr });
  expect(code).toBe(0);
  return join(dir, 'report.html');
}

function pageData(file: string): { x: number[]; charts: { id: string }[] } {
  const html = readFileSync(file, 'utf8');
  return JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The little of the DOM the page checks use (the project's TypeScript has no DOM library). */
interface PageGlobals {
  document: {
    getElementById(id: string): PageElement | null;
    body: { dataset: Record<string, string | undefined> };
  };
  __pwned?: number;
}
interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  querySelector(selector: 'canvas'): {
    width: number;
    height: number;
    getContext(kind: '2d'): {
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    };
  } | null;
}

interface CanvasCheck {
  id: string;
  drawn: boolean;
  dataPixels: number;
  markerPixels: number;
  eventsInRange: number;
}

interface PageResult {
  checks: CanvasCheck[];
  problems: string[];
  blocked: string[];
  requests: string[];
  url: string;
  pwned: number | undefined;
  eventsText: string;
}

/** Opens the report with the network blocked, reads every chart's canvas, keeps a screenshot. */
async function openInChromium(file: string, screenshot: string): Promise<PageResult> {
  const url = pathToFileURL(file).href;
  const context = await browser!.newContext({ viewport: { width: 1300, height: 900 }, deviceScaleFactor: 1 });
  const requests: string[] = [];
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    blocked.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(url, { waitUntil: 'load' });
  // Callbacks run in the page (serialised): they reach its globals through globalThis.
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).document.body.dataset.chartsDrawn !== undefined,
    undefined,
    {
      timeout: 30_000,
    },
  );

  const checks = await page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const data = JSON.parse(document.getElementById('report-data')!.textContent!) as {
      range: [number, number];
      events: { t: number }[];
      charts: { id: string }[];
    };
    const inRange = data.events.filter((e) => e.t >= data.range[0] && e.t <= data.range[1]).length;
    return data.charts.map((spec): CanvasCheck => {
      const el = document.getElementById(`chart-${spec.id}`)!;
      const canvas = el.querySelector('canvas');
      let dataPixels = 0;
      let markerPixels = 0;
      if (canvas) {
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < px.length; i += 4) {
          const [r, g, b, a] = [px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!];
          if (a < 200) continue;
          const max = Math.max(r, g, b);
          const min = Math.min(r, g, b);
          // Series are drawn in saturated colours; axes, grid, text and event lines are grey.
          if (max > 60 && (max - min) / max > 0.3) dataPixels++;
          if (r === 0x44 && g === 0x44 && b === 0x44) markerPixels++;
        }
      }
      return {
        id: spec.id,
        drawn: el.dataset.drawn === 'true',
        dataPixels,
        markerPixels,
        eventsInRange: inRange,
      };
    });
  });
  const pwned = await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned);
  const eventsText = await page.locator('#events').textContent();
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  await context.close();
  return { checks, problems, blocked, requests, url, pwned, eventsText: eventsText ?? '' };
}

function expectDrawnOffline(r: PageResult): void {
  expect(r.problems).toEqual([]);
  expect(r.blocked).toEqual([]);
  expect(r.requests).toEqual([r.url]);
  for (const c of r.checks) {
    expect(c, `chart ${c.id}`).toMatchObject({ drawn: true });
    // An empty chart has none (axes, grid, text and event lines are grey); one point has ~30.
    expect(c.dataPixels, `data pixels on chart ${c.id}`).toBeGreaterThan(20);
    if (c.eventsInRange > 0) expect(c.markerPixels, `event markers on chart ${c.id}`).toBeGreaterThan(20);
  }
}

describe('HTML report in Chromium', () => {
  it('a real run with --out html: offline, every chart drawn, no error; patchstorm report DIR gives the same charts', async () => {
    const dir = await realRun();
    const file = join(dir, 'report.html');
    const r = await openInChromium(file, join(ARTIFACTS, 'report.png'));
    expectDrawnOffline(r);
    const ids = r.checks.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['rate', 'fleet-compliance', 'scans', 'generator']));
    // Lines, not dots, where the run had traffic all along.
    for (const c of r.checks.filter((x) => ['rate', 'scans', 'generator'].includes(x.id)))
      expect(c.dataPixels, `data pixels on chart ${c.id}`).toBeGreaterThan(1000);
    expect(ids.filter((id) => id.startsWith('latency-')).length).toBeGreaterThanOrEqual(5);
    expect(r.eventsText).toContain('deployment-created');

    const rebuilt = join(dir, 'from-timeline.html');
    expect(await runReport(dir, rebuilt, { stdout: process.stdout, stderr: process.stderr })).toBe(0);
    const live = pageData(file);
    const fromTimeline = pageData(rebuilt);
    expect(fromTimeline.charts.map((c) => c.id)).toEqual(live.charts.map((c) => c.id));
    expect(fromTimeline.x).toEqual(live.x);
  }, 240_000);

  it('a downsampled day with every chart kind and hostile text: drawn, escaped, no script injected', async () => {
    const file = await syntheticRun();
    const r = await openInChromium(file, join(ARTIFACTS, 'report-synthetic.png'));
    expectDrawnOffline(r);
    expect(r.pwned).toBeUndefined();
    expect(r.eventsText).toContain(HOSTILE_TITLE);
    expect(r.checks.map((c) => c.id)).toEqual(
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
  }, 120_000);
});
