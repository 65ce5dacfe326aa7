// The files inlined into every report: uPlot's JavaScript and CSS from node_modules (no CDN: the report
// opens with no network), the page's own drawing script and style sheet. Read once per process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { scriptSafe } from './escape.ts';

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  drawJs: string;
  pageCss: string;
}

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const read = (path: string) => readFileSync(path, 'utf8');
  const own = (name: string) => read(fileURLToPath(new URL(`./browser/${name}`, import.meta.url)));
  cached = {
    uplotJs: scriptSafe(read(require.resolve('uplot/dist/uPlot.iife.min.js')), 'uPlot'),
    uplotCss: read(require.resolve('uplot/dist/uPlot.min.css')),
    drawJs: scriptSafe(own('draw-charts.js'), 'draw-charts.js'),
    pageCss: own('report.css'),
  };
  return cached;
}
