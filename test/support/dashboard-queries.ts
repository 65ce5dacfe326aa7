// Runs a Grafana dashboard's InfluxQL the way Grafana would: collects every query (panel targets,
// variable queries, the events annotation), expands the macros ($timeFilter, $__interval) and the
// variables ($run, $op …), runs it against a real InfluxDB 1.x and says what is wrong with its answer:
// no series, a selected column with no value at all (a field that is not written), or a GROUP BY
// tag missing from a series.
import { influxQuery } from './influx-server.ts';

export interface DashboardQuery {
  /** "Capacity review / Request rate per operation / A" */
  where: string;
  query: string;
}

interface Json {
  [k: string]: unknown;
}

export function collectQueries(dashboard: Json): DashboardQuery[] {
  const title = String(dashboard.title);
  const out: DashboardQuery[] = [];
  for (const panel of (dashboard.panels ?? []) as Json[]) {
    for (const t of (panel.targets ?? []) as Json[]) {
      if (typeof t.query === 'string')
        out.push({ where: `${title} / ${panel.title} / ${t.refId}`, query: t.query });
    }
  }
  for (const v of ((dashboard.templating as Json)?.list ?? []) as Json[]) {
    if (v.type === 'query' && typeof v.query === 'string')
      out.push({ where: `${title} / variable ${v.name}`, query: v.query });
  }
  for (const a of ((dashboard.annotations as Json)?.list ?? []) as Json[]) {
    if (typeof a.expr === 'string') out.push({ where: `${title} / annotation ${a.name}`, query: a.expr });
  }
  return out;
}

export interface Expansion {
  /** Variable values; an array is a multi-value selection (Grafana: `(a|b)`, regex-escaped). */
  vars: Record<string, string | string[]>;
  fromMs: number;
  toMs: number;
  intervalS: number;
}

const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

export function expand(query: string, e: Expansion): string {
  let q = query
    .replaceAll('$timeFilter', `time >= ${e.fromMs}ms and time <= ${e.toMs}ms`)
    .replaceAll('$__interval_ms', String(e.intervalS * 1000))
    .replaceAll('$__interval', `${e.intervalS}s`);
  // Longest names first: $runA before $run.
  for (const name of Object.keys(e.vars).sort((a, b) => b.length - a.length)) {
    const v = e.vars[name]!;
    // Grafana's InfluxDB formatting: inside a regex a value is escaped; several values become (a|b).
    const text = Array.isArray(v) ? `(${v.map(escapeRegex).join('|')})` : escapeRegex(v);
    q = q.replaceAll(`$${name}`, text);
  }
  const left = /\$[A-Za-z_]\w*/.exec(q);
  if (left) throw new Error(`unexpanded ${left[0]} in ${q}`);
  return q;
}

/** Runs one expanded query; throws naming what is wrong. Returns the series count. */
export async function checkQuery(url: string, db: string, q: string): Promise<number> {
  const result = await influxQuery(url, db, q);
  const series = result.series ?? [];
  if (series.length === 0) throw new Error(`no series: ${q}`);
  const groupTags =
    /GROUP BY (.*?)(?: fill\(|$)/
      .exec(q)?.[1]
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('"'))
      .map((s) => s.slice(1, -1)) ?? [];
  const isShow = /^SHOW /i.test(q);
  for (const s of series) {
    for (const tag of groupTags) {
      if (!s.tags?.[tag]) throw new Error(`series ${s.name} has no "${tag}" tag: ${q}`);
    }
    if (s.values.length === 0) throw new Error(`series ${s.name} has no rows: ${q}`);
  }
  if (!isShow) {
    // Every selected column has a value in some series (a field never written is null throughout).
    const columns = series[0]!.columns;
    for (let c = 1; c < columns.length; c++) {
      const written = series.some((s) => s.values.some((row) => row[c] !== null && row[c] !== undefined));
      if (!written)
        throw new Error(
          `column "${columns[c]}" has no value in any series (a field that is not written?): ${q}`,
        );
    }
  }
  return series.length;
}
