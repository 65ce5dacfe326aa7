// The HTML report in real headless Chromium (Debian's /usr/bin/chromium through playwright-core): it
// opens with every network request blocked (self-contained), logs no console error and no page error,
// draws every chart (data pixels on every canvas, event markers on every chart), runs no injected
// script, and leaves a screenshot in reports/test-artifacts/report.png to look at.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const SCREENSHOT = join(REPO_ROOT, 'reports/test-artifacts/report.png');

const root = mkdtempSync(join(tmpdir(), 'ps-report-browser-'));
let browser: Browser | undefined;

/** The run folder the report is built from: a synthetic day-long Patch Tuesday (downsampled). */
async function buildReport(): Promise<string> {
  const dir = join(root, 'run');
  mkdirSync(dir);
  const lines = syntheticTimeline({ intervals: 2880, virtualStepMs: 30_000 });
  writeFileSync(join(dir, TIMELINE_FILE), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const end = lines.at(-1)!;
  if (end.type === 'end') writeFileSync(join(dir, SUMMARY_FILE), JSON.stringify(end.summary));
  const code = await runReport(dir, undefined, { stdout: process.stdout, stderr: process.stderr });
  expect(code).toBe(0);
  return join(dir, 'report.html');
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

describe('HTML report in Chromium', () => {
  it('opens offline, draws every chart, logs no error, runs no injected script', async () => {
    const file = await buildReport();
    const url = pathToFileURL(file).href;
    const context = await browser!.newContext({
      viewport: { width: 1300, height: 900 },
      deviceScaleFactor: 1,
    });
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
    const eventsText = await page.locator('section', { hasText: 'Numbered as on the charts' }).textContent();
    mkdirSync(join(REPO_ROOT, 'reports/test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await context.close();

    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    expect(requests).toEqual([url]);
    expect(pwned).toBeUndefined();
    expect(eventsText).toContain(HOSTILE_TITLE);
    expect(checks.length).toBeGreaterThanOrEqual(8);
    expect(checks.map((c) => c.id)).toEqual(
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
    for (const c of checks) {
      expect(c, `chart ${c.id}`).toMatchObject({ drawn: true });
      expect(c.dataPixels, `data pixels on chart ${c.id}`).toBeGreaterThan(200);
      if (c.eventsInRange > 0) expect(c.markerPixels, `event markers on chart ${c.id}`).toBeGreaterThan(20);
    }
  }, 120_000);
});
