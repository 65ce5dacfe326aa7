// The report page: one self-contained HTML file. Tables are rendered here (escaped); the charts are
// drawn in the browser by uPlot from the embedded JSON (chart specs + downsampled series + events).
// Nothing is fetched: uPlot, the drawing script, the styles and the data are all inline.
import { reportAssets } from './assets.ts';
import { escapeHtml as e, jsonForScript } from './escape.ts';
import type { ReportDocument } from './report-model.ts';
import {
  deploymentsSection,
  errorsSection,
  eventsSection,
  generatorSection,
  operationsSection,
  parametersSection,
  runNotesSection,
  thresholdsSection,
  verdictSection,
} from './sections.ts';

/** What the drawing script reads from `#report-data`. */
export interface PageData {
  x: number[];
  series: Record<string, (number | null)[]>;
  charts: ReportDocument['charts'];
  /** The x range every chart shows: the whole run, so events at its start or end are on the axis. */
  range: [number, number];
  events: { t: number; kind: string; title: string }[];
}

export function renderReportHtml(doc: ReportDocument): string {
  const assets = reportAssets();
  const profile = doc.meta?.profile ?? doc.summary?.profile ?? 'run';
  const pageData: PageData = {
    x: doc.data.x,
    series: doc.data.series,
    charts: doc.charts,
    range: xRange(doc),
    events: doc.events.map((ev) => ({ t: ev.virtualTime, kind: ev.kind, title: ev.title })),
  };
  // Charts of one group (the latency small multiples) come in a row and share a grid.
  const blocks: { group: string | undefined; figures: string[] }[] = [];
  for (const c of doc.charts) {
    const figure =
      `<figure class="chart-box"><figcaption><h3>${e(c.title)}</h3><p>${e(c.caption)}</p></figcaption>` +
      `<div class="chart" id="chart-${e(c.id)}" data-chart="${e(c.id)}"></div></figure>`;
    const last = blocks.at(-1);
    if (c.group !== undefined && last?.group === c.group) last.figures.push(figure);
    else blocks.push({ group: c.group, figures: [figure] });
  }
  const chartsHtml = blocks
    .map((b) => (b.group ? `<div class="chart-grid">${b.figures.join('')}</div>` : b.figures.join('')))
    .join('');
  const omitted =
    doc.omitted.length > 0
      ? `<ul class="omitted">${doc.omitted.map((o) => `<li><b>${e(o.title)}</b>: not drawn, ${e(o.reason)}.</li>`).join('')}</ul>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>patchstorm report: ${e(profile)}</title>
<style>${assets.uplotCss}</style>
<style>${assets.pageCss}</style>
</head>
<body>
<header>
<h1>patchstorm report: ${e(profile)}</h1>
<p class="muted">Generated ${e(doc.generatedAt)}. Charts run on the <b>virtual</b> clock (UTC): a compressed day plots as a day.</p>
</header>
${verdictSection(doc)}
${parametersSection(doc)}
${thresholdsSection(doc)}
${operationsSection(doc)}
${errorsSection(doc)}
${generatorSection(doc)}
${deploymentsSection(doc)}
<section><h2>Charts</h2>
<p class="muted">Numbered vertical lines are the run's events (table below); dashed dark lines are deadlines. Click a legend entry to hide or show a series.</p>
${chartsHtml}
${omitted}
</section>
${eventsSection(doc)}
${runNotesSection(doc)}
<script type="application/json" id="report-data">${jsonForScript(pageData)}</script>
<script>${assets.uplotJs}</script>
<script>${assets.drawJs}</script>
</body>
</html>
`;
}

function xRange(doc: ReportDocument): [number, number] {
  const x = doc.data.x;
  const known = (values: (number | undefined)[]) =>
    values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const starts = known([x[0], doc.meta?.virtualStart, doc.summary && Date.parse(doc.summary.virtualStart)]);
  const ends = known([x.at(-1), doc.summary && Date.parse(doc.summary.virtualEnd)]);
  const start = starts.length > 0 ? Math.min(...starts) : 0;
  const end = ends.length > 0 ? Math.max(...ends) : start;
  // A run shorter than a minute still gets a readable axis.
  return [start, Math.max(end, start + 60_000)];
}
