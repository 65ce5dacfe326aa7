// "Run comparison": two runs side by side (e.g. before/after a SUP scale-out). Runs happen at
// different (virtual) times, so the first rows compare whole-run figures per operation; the time
// series below put run A left and run B right (set the time range to cover both runs).
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS as M } from '../harness/metrics/outputs/influx-schema.ts';
import {
  datasourceVariable,
  eventsAnnotation,
  opVariable,
  runVariable,
  table,
  timeseries,
} from './common.ts';
import { OP_FILTER, select } from './influxql.ts';

export const RUN_COMPARISON_UID = 'patchstorm-run-comparison';

const SIDES = [
  ['runA', 'Run A'],
  ['runB', 'Run B'],
] as const;

export function runComparison(): DashboardBuilder {
  const d = new DashboardBuilder('patchstorm — Run comparison')
    .uid(RUN_COMPARISON_UID)
    .description(
      'Two patchstorm runs side by side: per-operation figures over each whole run, then time series.',
    )
    .tags(['patchstorm', 'capacity', 'comparison'])
    .timezone('utc')
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-7d', to: 'now+2d' })
    .withVariable(datasourceVariable())
    .withVariable(runVariable('runA', 'Run A (before)'))
    .withVariable(runVariable('runB', 'Run B (after)'))
    .withVariable(opVariable('runA'))
    .annotation(eventsAnnotation('runA'))
    .annotation(eventsAnnotation('runB'));

  d.withRow(new RowBuilder('Whole run, per operation'));
  for (const [v, label] of SIDES) {
    d.withPanel(
      table(
        `${label}: $${v}`,
        'Per operation over the time range: requests, peak rate, worst p95/p99, errors.',
        select({
          from: M.op,
          runVar: v,
          where: [OP_FILTER],
          byTime: false,
          groupBy: ['op'],
          columns: [
            { field: 'requests', fn: 'sum', as: 'requests' },
            { field: 'rate', fn: 'max', as: 'peak req/s' },
            { field: 'p95_ms', fn: 'max', as: 'worst p95 ms' },
            { field: 'p99_ms', fn: 'max', as: 'worst p99 ms' },
            { field: 'errors', fn: 'sum', as: 'errors' },
          ],
        }),
      ),
    );
  }
  for (const [v, label] of SIDES) {
    d.withPanel(
      table(
        `${label}: backlog`,
        'Deepest state-message backlog and oldest waiting message.',
        select({
          from: M.backlog,
          runVar: v,
          byTime: false,
          columns: [
            { field: 'depth', fn: 'max', as: 'max depth' },
            { field: 'oldest_age_ms', fn: 'max', as: 'max oldest age ms' },
          ],
        }),
        4,
      ),
    );
    d.withPanel(
      table(
        `${label}: deployments at the end`,
        'Per deployment at the end of the range: targeted, installed, share installed.',
        select({
          from: M.deployment,
          runVar: v,
          byTime: false,
          groupBy: ['deployment'],
          columns: [
            { field: 'targeted', fn: 'last', as: 'targeted' },
            { field: 'installed', fn: 'last', as: 'installed' },
            { field: 'installed_pct', fn: 'last', as: 'installed %' },
          ],
        }),
        4,
      ),
    );
    d.withPanel(
      table(
        `${label}: generator`,
        'Worst lateness p99 (> 50 ms: could not keep up) and actions skipped (> 0: could not keep up).',
        select({
          from: M.generator,
          runVar: v,
          byTime: false,
          columns: [
            { field: 'lateness_p99_ms', fn: 'max', as: 'worst lateness p99 ms' },
            { field: 'skipped', fn: 'sum', as: 'skipped' },
            { field: 'sent', fn: 'sum', as: 'sent' },
          ],
        }),
        4,
      ),
    );
  }

  const sideBySide = (
    title: string,
    description: string,
    unit: string,
    query: (v: string) => string,
    legend: string,
  ) => {
    d.withRow(new RowBuilder(title));
    for (const [v, label] of SIDES) {
      d.withPanel(
        timeseries({ title: `${label}: ${title}`, description, unit, queries: [[query(v), legend]] }),
      );
    }
  };
  sideBySide(
    'Request rate per operation',
    'Requests per wall second (mean over the bucket).',
    'reqps',
    (v) =>
      select({
        from: M.op,
        runVar: v,
        where: [OP_FILTER],
        columns: [{ field: 'rate', fn: 'mean' }],
        groupBy: ['op'],
      }),
    '$tag_op',
  );
  sideBySide(
    'Latency p95 per operation',
    'Worst p95 in the bucket, from the intended send time.',
    'ms',
    (v) =>
      select({
        from: M.op,
        runVar: v,
        where: [OP_FILTER],
        columns: [{ field: 'p95_ms', fn: 'max' }],
        groupBy: ['op'],
      }),
    '$tag_op',
  );
  sideBySide(
    'Errors by kind',
    'Errors per bucket by kind.',
    'short',
    (v) =>
      select({
        from: M.errors,
        runVar: v,
        where: [OP_FILTER],
        columns: [{ field: 'count', fn: 'sum' }],
        groupBy: ['kind'],
      }),
    '$tag_kind',
  );
  sideBySide(
    'Backlog depth',
    'State messages accepted by the MP and not yet processed.',
    'short',
    (v) => select({ from: M.backlog, runVar: v, columns: [{ field: 'depth', fn: 'last', as: 'depth' }] }),
    '$col',
  );
  sideBySide(
    'Deployment installed',
    "Clients that installed each deployment (ConfigMgr's per-deployment figure).",
    'short',
    (v) =>
      select({
        from: M.deployment,
        runVar: v,
        columns: [{ field: 'installed', fn: 'last', as: 'installed' }],
        groupBy: ['deployment'],
      }),
    '$tag_deployment',
  );
  sideBySide(
    'Generator lateness p99',
    'Above 50 ms the generator could not keep up.',
    'ms',
    (v) =>
      select({
        from: M.generator,
        runVar: v,
        columns: [{ field: 'lateness_p99_ms', fn: 'max', as: 'lateness p99' }],
      }),
    '$col',
  );
  return d;
}
