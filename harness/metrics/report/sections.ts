// The report's text parts, rendered on the server side as plain HTML tables (readable without
// JavaScript, printable): verdict, run parameters, thresholds, the per-operation summary, errors by
// kind, deployments, events and the run's notes. Every value goes through escapeHtml.
import { EXIT_CODES } from '../exit-codes.ts';
import { formatBytes, formatDuration, formatLatency, formatPercent, formatRate } from '../format.ts';
import type { RunEvent } from '../outputs/output.ts';
import type { ThresholdResult } from '../thresholds.ts';
import { escapeHtml as e } from './escape.ts';
import { type DEPLOYMENT_STATES, key } from './interval-sample.ts';
import type { ReportDocument } from './report-model.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** Epoch ms (virtual or wall) as "2026-12-08 10:00:00 UTC". */
export function virtualTimeText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function table(head: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const cell = (tag: 'td' | 'th', text: string, i: number) =>
    `<${tag}${numeric.has(i) ? ' class="num"' : ''}>${text}</${tag}>`;
  return (
    `<table><thead><tr>${head.map((h, i) => cell('th', e(h), i)).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

function keyValues(rows: [string, string][]): string {
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

export function verdictSection(doc: ReportDocument): string {
  const s = doc.summary;
  if (!s) {
    return (
      '<section class="verdict stop"><h2>No verdict</h2>' +
      '<p>The run has no summary: it did not reach its end (the timeline has no end line and no summary.json was found).</p></section>'
    );
  }
  const meaning = EXIT_CODES[s.exitCode as keyof typeof EXIT_CODES] ?? 'unknown exit code';
  const [cls, headline] =
    s.exitCode === 0
      ? ['ok', 'Passed: the run completed and every threshold was met']
      : s.exitCode === 1
        ? ['breach', 'Threshold breached']
        : s.exitCode === 130
          ? ['stop', 'Interrupted']
          : ['stop', 'Aborted'];
  const breached = s.thresholds.filter((t) => t.breached);
  const thresholdLine =
    s.thresholds.length === 0
      ? 'No thresholds were given.'
      : `${s.thresholds.length} thresholds: ${s.thresholds.length - breached.length} met, ${breached.length} breached` +
        (breached.length > 0
          ? ` (${breached.map((t) => `${t.name}: ${limitText(t, t.actual)} over ${limitText(t, t.limit)}`).join('; ')})`
          : '') +
        '.';
  return (
    `<section class="verdict ${cls}"><h2>${e(headline)}</h2><ul>` +
    `<li>Exit code <b>${e(s.exitCode)}</b>: ${e(meaning)}.</li>` +
    `<li>End: <b>${e(s.end)}</b>${s.endReason ? ` — ${e(s.endReason)}` : ''}.</li>` +
    `<li>${e(thresholdLine)}</li>` +
    `<li class="${s.generator.keptUp ? '' : 'warn'}">${e(s.generator.verdict)}</li>` +
    '</ul></section>'
  );
}

export function parametersSection(doc: ReportDocument): string {
  const m = doc.meta;
  const s = doc.summary;
  const rows: [string, string][] = [];
  const profile = m?.profile ?? s?.profile;
  if (profile !== undefined) rows.push(['Profile', e(profile)]);
  if (m) rows.push(['Run id', `<code>${e(m.runId)}</code>`], ['Target', e(m.target)]);
  const fleetSize = m?.fleetSize ?? s?.fleetSize;
  if (fleetSize !== undefined) rows.push(['Clients', n(fleetSize)]);
  const seed = m?.seed ?? s?.seed;
  if (seed !== undefined) rows.push(['Seed', e(seed)]);
  const workers = m?.workers ?? s?.workers;
  if (workers !== undefined) rows.push(['Worker threads', n(workers)]);
  const speed = m?.speed ?? s?.speed;
  if (speed !== undefined) rows.push(['Speed', `×${e(speed)} (virtual seconds per wall second)`]);
  if (s) {
    rows.push(
      [
        'Virtual time',
        `${e(virtualTimeText(Date.parse(s.virtualStart)))} → ${e(virtualTimeText(Date.parse(s.virtualEnd)))} ` +
          `(${e(formatDuration(s.virtualDurationMs))})`,
      ],
      [
        'Wall time',
        `${e(virtualTimeText(Date.parse(s.startedAt)))} → ${e(virtualTimeText(Date.parse(s.endedAt)))} ` +
          `(${e(formatDuration(s.wallDurationMs))})`,
      ],
      [
        'Requests',
        `${n(s.totals.requests)} at ${e(formatRate(s.totals.perSecond))}/s; ${n(s.totals.errors)} errors ` +
          `(${e(formatPercent(s.totals.errorRate))}); ${e(formatBytes(s.totals.bytesIn))} in, ${e(formatBytes(s.totals.bytesOut))} out`,
      ],
    );
  } else if (m) {
    rows.push([
      'Virtual time',
      `${e(virtualTimeText(m.virtualStart))}, planned ${e(formatDuration(m.durationMs))}`,
    ]);
  }
  if (m) rows.push(['Interval', `${n(m.intervalMs)} ms wall`]);
  rows.push([
    'Charted',
    `${n(doc.intervals)} intervals as ${n(doc.points)} points per series` +
      (doc.points < doc.intervals ? ' (downsampled: each point pair is a bucket’s extremes or mean)' : ''),
  ]);
  return `<section><h2>Run parameters</h2>${keyValues(rows)}</section>`;
}

function limitText(t: ThresholdResult, v: number | null): string {
  if (v === null) return 'no figure';
  if (t.name === 'errorRate') return formatPercent(v);
  // Backlog-age limits are hours, latency limits milliseconds.
  if (t.name.includes('Ms')) return v >= 60_000 ? formatDuration(v) : formatLatency(v);
  return String(v);
}

export function thresholdsSection(doc: ReportDocument): string {
  const results = doc.summary?.thresholds ?? [];
  const given = doc.meta?.thresholds ?? [];
  if (results.length === 0 && given.length === 0)
    return '<section><h2>Thresholds</h2><p>No thresholds were given for this run.</p></section>';
  const asGiven =
    given.length > 0 ? `<p>As given: ${given.map((t) => `<code>${e(t)}</code>`).join(' ')}</p>` : '';
  const rows = results.map((t) => [
    `<code>${e(t.name)}</code>`,
    e(t.description),
    e(limitText(t, t.limit)),
    e(limitText(t, t.actual)),
    t.breached
      ? '<span class="bad">breached</span>'
      : t.actual === null
        ? '<span class="muted">no figure</span>'
        : '<span class="good">met</span>',
  ]);
  return (
    `<section><h2>Thresholds</h2>${asGiven}` +
    (rows.length > 0
      ? table(['threshold', 'meaning', 'limit', 'actual', 'result'], rows, new Set([2, 3]))
      : '') +
    '</section>'
  );
}

export function operationsSection(doc: ReportDocument): string {
  const s = doc.summary;
  if (!s) return '';
  if (s.operations.length === 0) return '<section><h2>Operations</h2><p>No requests were sent.</p></section>';
  const rows = s.operations.map((o) => [
    `<code>${e(o.name)}</code>`,
    n(o.requests),
    e(formatRate(o.perSecond)),
    n(o.errors),
    o.errors > 0
      ? `<span class="bad">${e(formatPercent(o.errorRate))}</span>`
      : e(formatPercent(o.errorRate)),
    e(formatLatency(o.latency.p50Ms)),
    e(formatLatency(o.latency.p95Ms)),
    e(formatLatency(o.latency.p99Ms)),
    e(formatLatency(o.latency.maxMs)),
    e(formatBytes(o.bytesIn)),
    e(formatBytes(o.bytesOut)),
  ]);
  const t = s.totals;
  rows.push([
    '<b>all</b>',
    `<b>${n(t.requests)}</b>`,
    `<b>${e(formatRate(t.perSecond))}</b>`,
    `<b>${n(t.errors)}</b>`,
    `<b>${e(formatPercent(t.errorRate))}</b>`,
    '',
    '',
    '',
    '',
    `<b>${e(formatBytes(t.bytesIn))}</b>`,
    `<b>${e(formatBytes(t.bytesOut))}</b>`,
  ]);
  return (
    '<section><h2>Operations</h2><p class="muted">Rates per wall second; latency from the intended send time (replies only).</p>' +
    table(
      [
        'operation',
        'requests',
        'rate/s',
        'errors',
        'error rate',
        'p50',
        'p95',
        'p99',
        'max',
        'bytes in',
        'bytes out',
      ],
      rows,
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ) +
    '</section>'
  );
}

export function errorsSection(doc: ReportDocument): string {
  const s = doc.summary;
  if (!s) return '';
  const kinds = Object.entries(s.errorsByKind).sort((a, b) => b[1] - a[1]);
  if (kinds.length === 0) return '<section><h2>Errors by kind</h2><p>No request failed.</p></section>';
  const rows = kinds.map(([kind, count]) => {
    const ops = s.operations
      .filter((o) => (o.errorsByKind[kind] ?? 0) > 0)
      .map((o) => `<code>${e(o.name)}</code> ${n(o.errorsByKind[kind]!)}`)
      .join(', ');
    return [`<code>${e(kind)}</code>`, n(count), e(formatPercent(count / Math.max(1, s.totals.errors))), ops];
  });
  return `<section><h2>Errors by kind</h2>${table(['kind', 'errors', 'share', 'operations'], rows, new Set([1, 2]))}</section>`;
}

export function generatorSection(doc: ReportDocument): string {
  const s = doc.summary;
  if (!s) return '';
  const g = s.generator;
  const skipped = Object.entries(g.skipped);
  const rows: [string, string][] = [
    ['Sent', n(g.sent)],
    [
      'Skipped',
      skipped.length === 0 ? '0' : skipped.map(([reason, count]) => `${e(reason)}: ${n(count)}`).join(', '),
    ],
    [
      'Lateness',
      `p50 ${e(formatLatency(g.lateness.p50Ms))}, p99 ${e(formatLatency(g.lateness.p99Ms))}, max ${e(formatLatency(g.lateness.maxMs))}`,
    ],
  ];
  if (g.lostMetricDeltas > 0) rows.push(['Lost metric intervals', n(g.lostMetricDeltas)]);
  if (s.backlog) {
    rows.push([
      'State-message backlog',
      `at most ${n(s.backlog.maxDepth)} waiting, oldest ${e(formatDuration(s.backlog.maxOldestAgeMs))}; ` +
        `${n(s.backlog.lastDepth)} at the end (${n(s.backlog.samples)} samples)`,
    ]);
  }
  const f = s.fleet.gauges;
  if (f['fleet.compliant'] !== undefined) {
    rows.push([
      'Fleet at the end',
      `${n(f['fleet.compliant'] ?? 0)} compliant, ${n(f['fleet.nonCompliant'] ?? 0)} non-compliant, ` +
        `${n(f['fleet.unknown'] ?? 0)} unknown (every applicable update of the catalog)`,
    ]);
  }
  return `<section><h2>Generator and site</h2>${keyValues(rows)}</section>`;
}

export function deploymentsSection(doc: ReportDocument): string {
  const deps = doc.seen.deployments;
  if (deps.length === 0) return '';
  const last = (id: string, state: (typeof DEPLOYMENT_STATES)[number]) => {
    const values = doc.data.series[key.deployment(id, state)] ?? [];
    for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
    return 0;
  };
  const rows = deps.map((d) => [
    `${e(d.name)} <code>${e(d.id)}</code>`,
    d.deadline !== undefined ? e(virtualTimeText(d.deadline)) : '—',
    n(d.targeted),
    n(last(d.id, 'installed')),
    n(last(d.id, 'failed')),
    n(last(d.id, 'required')),
    n(last(d.id, 'unknown')),
  ]);
  return (
    '<section><h2>Deployments</h2><p class="muted">Last figure the site reported for each deployment.</p>' +
    table(
      ['deployment', 'deadline', 'targeted', 'installed', 'failed', 'required', 'unknown'],
      rows,
      new Set([2, 3, 4, 5, 6]),
    ) +
    '</section>'
  );
}

export function eventsSection(doc: ReportDocument): string {
  if (doc.events.length === 0)
    return '<section id="events"><h2>Events</h2><p>No events were recorded.</p></section>';
  const start = doc.meta?.virtualStart ?? (doc.summary ? Date.parse(doc.summary.virtualStart) : undefined);
  const rows = doc.events.map((ev: RunEvent, i) => [
    `<span class="badge">${i + 1}</span>`,
    `<span class="nowrap">${e(virtualTimeText(ev.virtualTime))}</span>`,
    start !== undefined ? `+${e(formatDuration(ev.virtualTime - start))}` : '',
    `<code class="nowrap">${e(ev.kind)}</code>`,
    e(ev.title),
    Object.entries(ev.tags ?? {})
      .map(([k, v]) => `${e(k)}=${e(v)}`)
      .join(', '),
  ]);
  return (
    '<section id="events"><h2>Events</h2><p class="muted">Numbered as on the charts.</p>' +
    table(['#', 'virtual time', 'since start', 'kind', 'what', 'tags'], rows) +
    '</section>'
  );
}

/** What `patchstorm run` added (`summary.run`): target, profile events, warnings. Read defensively: it is free-form. */
export function runNotesSection(doc: ReportDocument): string {
  const run = doc.summary?.run as
    | {
        target?: { kind?: string; mp?: string; sups?: string[] };
        siteEvents?: { kind?: string; at?: string; status?: string; detail?: string }[];
        warnings?: string[];
      }
    | undefined;
  const parts: string[] = [];
  if (run?.target?.kind) {
    parts.push(
      `<p>Target: ${e(run.target.kind)}` +
        (run.target.mp ? `, MP ${e(run.target.mp)}` : '') +
        (Array.isArray(run.target.sups) ? `, SUPs ${run.target.sups.map(e).join(', ')}` : '') +
        '</p>',
    );
  }
  if (Array.isArray(run?.siteEvents) && run.siteEvents.length > 0) {
    parts.push(
      table(
        ['at', 'profile event', 'status', 'detail'],
        run.siteEvents.map((s) => [e(s.at), `<code>${e(s.kind)}</code>`, e(s.status), e(s.detail)]),
      ),
    );
  }
  const outputs = doc.summary?.outputs ?? [];
  if (outputs.length > 0) {
    parts.push(
      table(
        ['output', 'result'],
        outputs.map((o) => [
          `<code>${e(o.name)}</code>`,
          o.ok ? e(o.detail) : `<span class="bad">${e(o.detail)}</span>`,
        ]),
      ),
    );
  }
  const warnings = [...(Array.isArray(run?.warnings) ? run.warnings : []), ...doc.notes];
  if (warnings.length > 0)
    parts.push(`<ul class="warnings">${warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`);
  return parts.length > 0 ? `<section><h2>Notes</h2>${parts.join('')}</section>` : '';
}
