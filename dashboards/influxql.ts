// The InfluxQL query type the foundation SDK does not ship (its README: "Defining a custom query
// type"), and a small typed SELECT builder over the measurement contract (influx-schema.ts), so a
// panel cannot name a measurement or field the output does not write without failing type-checking.
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import type {
  BACKLOG_FIELDS,
  DEPLOYMENT_FIELDS,
  ERROR_FIELDS,
  EVENT_FIELDS,
  FLEET_FIELDS,
  GENERATOR_FIELDS,
  MEASUREMENTS,
  OP_FIELDS,
  RUN_FIELDS,
  SKIPPED_FIELDS,
  TAGS,
} from '../harness/metrics/outputs/influx-schema.ts';
import type { K6_MEASUREMENTS, K6_TAGS } from '../harness/k6/metrics-names.ts';

/** Grafana's InfluxDB (InfluxQL) target in raw-query mode. */
export interface InfluxqlQuery {
  refId?: string;
  hide?: boolean;
  datasource?: DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  alias?: string;
  _implementsDataqueryVariant(): void;
}

export class InfluxqlQueryBuilder implements Builder<Dataquery> {
  private readonly internal: InfluxqlQuery;

  constructor(query: string) {
    this.internal = { query, rawQuery: true, resultFormat: 'time_series', _implementsDataqueryVariant() {} };
  }

  build(): InfluxqlQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  datasource(datasource: DataSourceRef): this {
    this.internal.datasource = datasource;
    return this;
  }

  /** Legend: `$tag_op`, `$col` … */
  alias(alias: string): this {
    this.internal.alias = alias;
    return this;
  }

  table(): this {
    this.internal.resultFormat = 'table';
    return this;
  }
}

type Measurement = (typeof MEASUREMENTS)[keyof typeof MEASUREMENTS];
type Tag = (typeof TAGS)[keyof typeof TAGS];

/** The fields each measurement has (fleet: also `activity_<name>`). */
interface FieldsOf {
  patchstorm_run: (typeof RUN_FIELDS)[number];
  patchstorm_op: (typeof OP_FIELDS)[number];
  patchstorm_errors: (typeof ERROR_FIELDS)[number];
  patchstorm_generator: (typeof GENERATOR_FIELDS)[number];
  patchstorm_skipped: (typeof SKIPPED_FIELDS)[number];
  patchstorm_fleet: (typeof FLEET_FIELDS)[number] | `activity_${string}`;
  patchstorm_backlog: (typeof BACKLOG_FIELDS)[number];
  patchstorm_deployment: (typeof DEPLOYMENT_FIELDS)[number];
  patchstorm_events: (typeof EVENT_FIELDS)[number];
}

/** A selected column: `fn("field") AS "alias"`; a list nests, outermost first (`['non_negative_difference', 'last']`). */
export interface Column<M extends Measurement> {
  field: FieldsOf[M];
  fn?: string | string[];
  as?: string;
}

export interface Select<M extends Measurement> {
  from: M;
  columns: Column<M>[];
  /** Extra conditions (already InfluxQL), ANDed after the run filter. */
  where?: string[];
  /** Tag filter on `run`: the variable holding the run id (`run`, `runA` …). */
  runVar: string;
  /** GROUP BY time($__interval) plus these tags; `false`: no time grouping (tables over the range). */
  byTime?: boolean;
  groupBy?: Tag[];
  /** Time-grouped queries only. */
  fill?: 'none' | 'null' | '0' | 'previous';
}

/** A column of any measurement: `fn("field"[, arg]) AS "alias"`, then `scale` (already InfluxQL, e.g. `* 2`). */
interface AnyColumn {
  field: string;
  fn?: string | string[];
  /** A second argument of the innermost function (`percentile("value", 95)`). */
  arg?: number;
  as?: string;
  scale?: string;
}

function column(c: AnyColumn): string {
  const f = c.arg === undefined ? `"${c.field}"` : `"${c.field}", ${c.arg}`;
  const fns = c.fn === undefined ? [] : [c.fn].flat();
  const expr = fns.reduceRight((inner, fn) => `${fn}(${inner})`, f) + (c.scale ? ` ${c.scale}` : '');
  return c.as ? `${expr} AS "${c.as}"` : expr;
}

interface AnySelect {
  from: string;
  columns: AnyColumn[];
  where?: string[];
  runVar: string;
  byTime?: boolean;
  groupBy?: string[];
  fill?: 'none' | 'null' | '0' | 'previous';
}

function selectAny(s: AnySelect): string {
  const where = [`"run" =~ /^$${s.runVar}$/`, ...(s.where ?? []), '$timeFilter'];
  const byTime = s.byTime ?? true;
  const groups = [...(byTime ? ['time($__interval)'] : []), ...(s.groupBy ?? []).map((t) => `"${t}"`)];
  return (
    `SELECT ${s.columns.map(column).join(', ')} FROM "${s.from}" WHERE ${where.join(' AND ')}` +
    (groups.length > 0 ? ` GROUP BY ${groups.join(', ')}` : '') +
    (byTime ? ` fill(${s.fill ?? 'none'})` : '')
  );
}

/** SELECT … FROM m WHERE "run" =~ /^$run$/ AND … AND $timeFilter [GROUP BY time($__interval), tags] */
export function select<M extends Measurement>(s: Select<M>): string {
  return selectAny(s);
}

// k6's measurements (`k6 run --out influxdb=`, output/influxdb in k6's source): one per metric, every
// point has the one field `value` (plus `url` on http_req_*, a tag k6 writes as a field by default);
// the tags are the sample's. K6_MEASUREMENTS (harness/k6/metrics-names.ts) lists the ones the
// capacity-review (k6) dashboard reads.
type K6Measurement = (typeof K6_MEASUREMENTS)[keyof typeof K6_MEASUREMENTS];
type K6Tag = (typeof K6_TAGS)[number];

export interface K6Column {
  field: 'value';
  fn?: string | string[];
  arg?: number;
  as?: string;
  scale?: string;
}

export interface K6Select {
  from: K6Measurement;
  columns: K6Column[];
  where?: string[];
  runVar: string;
  byTime?: boolean;
  groupBy?: K6Tag[];
  fill?: 'none' | 'null' | '0' | 'previous';
}

/** The same SELECT over a k6 measurement: field `value`, k6's tags. */
export function selectK6(s: K6Select): string {
  return selectAny(s);
}

/** `"op" =~ /^$op$/`: the operation variable (multi-value, All). */
export const OP_FILTER = `"op" =~ /^$op$/`;
