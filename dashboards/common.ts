// What both dashboards share: the datasource and run/operation variables, the events annotation,
// and small panel helpers over InfluxQL targets.
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  AnnotationEventFieldMappingBuilder,
  AnnotationEventFieldSource,
  AnnotationQueryBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { MEASUREMENTS as M } from '../harness/metrics/outputs/influx-schema.ts';
import { InfluxqlQueryBuilder } from './influxql.ts';

/** Every panel and variable queries the datasource the `datasource` variable picks. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
export const DATASOURCE: common.DataSourceRef = { type: 'influxdb', uid: '${datasource}' };

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource').label('InfluxDB').type('influxdb');
}

/**
 * A run id picked from the runs in the database (newest ids sort last; ids are chosen by `patchstorm run`,
 * or a k6 script's `run` tag when `measurement` is one of k6's).
 */
export function runVariable(name: string, label: string, measurement: string = M.run): QueryVariableBuilder {
  const q = `SHOW TAG VALUES FROM "${measurement}" WITH KEY = "run"`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(q)
    .definition(q)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalDesc);
}

/** The operations of the picked run (read from `measurement`); multi-value with All. */
export function opVariable(runVar: string, measurement: string = M.op): QueryVariableBuilder {
  const q = `SHOW TAG VALUES FROM "${measurement}" WITH KEY = "op" WHERE "run" =~ /^$${runVar}$/`;
  return new QueryVariableBuilder('op')
    .label('Operation')
    .datasource(DATASOURCE)
    .query(q)
    .definition(q)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true);
}

/**
 * Profile/site events (catalog published, deployment created, fault injected, SUP down …) as
 * annotations. The shared dashboard schema's AnnotationQuery has no InfluxQL target, so the query
 * is given as `expr` with field mappings for title/text/tags; the Events table shows the same rows.
 */
export function eventsAnnotation(runVar: string): AnnotationQueryBuilder {
  const q = `SELECT "title", "text", "tags" FROM "${M.events}" WHERE "run" =~ /^$${runVar}$/ AND $timeFilter`;
  const field = (value: string) =>
    new AnnotationEventFieldMappingBuilder().source(AnnotationEventFieldSource.Field).value(value);
  return new AnnotationQueryBuilder()
    .name(`patchstorm events (${runVar})`)
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor('orange')
    .expr(q)
    .mappings({ title: field('title'), text: field('text'), tags: field('tags') });
}

export function target(query: string, refId: string, alias?: string): InfluxqlQueryBuilder {
  const t = new InfluxqlQueryBuilder(query).refId(refId).datasource(DATASOURCE);
  return alias ? t.alias(alias) : t;
}

const REFS = 'ABCDEFGHIJ';

export interface TimeseriesSpec {
  title: string;
  description: string;
  unit?: string;
  /** [query, legend] per target. */
  queries: [string, string?][];
  width?: number;
  height?: number;
  stacked?: boolean;
  /** A red threshold line at this value. */
  redAbove?: number;
}

export function timeseries(s: TimeseriesSpec): TimeseriesBuilder {
  const p = new TimeseriesBuilder()
    .title(s.title)
    .description(s.description)
    .datasource(DATASOURCE)
    .span(s.width ?? 12)
    .height(s.height ?? 8)
    .unit(s.unit ?? 'short')
    .fillOpacity(10)
    .spanNulls(true)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .targets(s.queries.map(([q, alias], i) => target(q, REFS[i] ?? `Q${i}`, alias)));
  if (s.stacked) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (s.redAbove !== undefined) {
    p.thresholds(redAbove(s.redAbove)).thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line),
    );
  }
  return p;
}

export function redAbove(value: number): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null as unknown as number, color: 'green' },
    { value, color: 'red' },
  ]);
}

export function stat(
  title: string,
  description: string,
  query: string,
  unit: string,
  red: number,
): StatBuilder {
  return new StatBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .span(6)
    .height(5)
    .unit(unit)
    .colorMode(common.BigValueColorMode.Background)
    .thresholds(redAbove(red))
    .targets([target(query, 'A')]);
}

export function table(title: string, description: string, query: string, width = 12): TableBuilder {
  return new TableBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .span(width)
    .height(8)
    .targets([target(query, 'A').table()]);
}
