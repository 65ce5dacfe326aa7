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

function column<M extends Measurement>(c: Column<M>): string {
  const f = `"${c.field}"`;
  const expr = (c.fn === undefined ? [] : [c.fn].flat()).reduceRight((inner, fn) => `${fn}(${inner})`, f);
  return c.as ? `${expr} AS "${c.as}"` : expr;
}

/** SELECT … FROM m WHERE "run" =~ /^$run$/ AND … AND $timeFilter [GROUP BY time($__interval), tags] */
export function select<M extends Measurement>(s: Select<M>): string {
  const where = [`"run" =~ /^$${s.runVar}$/`, ...(s.where ?? []), '$timeFilter'];
  const byTime = s.byTime ?? true;
  const groups = [...(byTime ? ['time($__interval)'] : []), ...(s.groupBy ?? []).map((t) => `"${t}"`)];
  return (
    `SELECT ${s.columns.map(column).join(', ')} FROM "${s.from}" WHERE ${where.join(' AND ')}` +
    (groups.length > 0 ? ` GROUP BY ${groups.join(', ')}` : '') +
    (byTime ? ` fill(${s.fill ?? 'none'})` : '')
  );
}

/** `"op" =~ /^$op$/`: the operation variable (multi-value, All). */
export const OP_FILTER = `"op" =~ /^$op$/`;
