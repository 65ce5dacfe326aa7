// "Capacity review": the board walk-through of one run — load and latency per operation, errors,
// the SUP's scan waves, the MP's state-message backlog, DP throughput, deployment compliance over
// time, and whether the generator kept up. Time axis: the run's virtual clock.
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { CAPACITY_REVIEW_UID } from '../harness/metrics/outputs/influxdb.ts';
import { MEASUREMENTS as M } from '../harness/metrics/outputs/influx-schema.ts';
import {
  datasourceVariable,
  eventsAnnotation,
  opVariable,
  runVariable,
  stat,
  table,
  timeseries,
} from './common.ts';
import { OP_FILTER, select } from './influxql.ts';

const run = 'run';
const isOp = (name: string) => `"op" = '${name}'`;
const LATENESS_LIMIT_MS = 50;

export function capacityReview(): DashboardBuilder {
  return new DashboardBuilder('patchstorm — Capacity review')
    .uid(CAPACITY_REVIEW_UID)
    .description(
      'One patchstorm run on its virtual clock: load, latency, errors, SUP/MP/DP, compliance, generator health.',
    )
    .tags(['patchstorm', 'capacity'])
    .timezone('utc')
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-2d', to: 'now+2d' })
    .withVariable(datasourceVariable())
    .withVariable(runVariable(run, 'Run'))
    .withVariable(opVariable(run))
    .annotation(eventsAnnotation(run))

    .withRow(new RowBuilder('Load and latency per operation'))
    .withPanel(
      timeseries({
        title: 'Request rate per operation',
        description: 'Requests per wall second the servers saw (mean over the bucket).',
        unit: 'reqps',
        queries: [
          [
            select({
              from: M.op,
              runVar: run,
              where: [OP_FILTER],
              columns: [{ field: 'rate', fn: 'mean' }],
              groupBy: ['op'],
            }),
            '$tag_op',
          ],
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Latency p50 / p95 / p99 per operation',
        description: 'From the intended send time (no coordinated omission), worst interval in the bucket.',
        unit: 'ms',
        queries: (['p50_ms', 'p95_ms', 'p99_ms'] as const).map((f) => [
          select({
            from: M.op,
            runVar: run,
            where: [OP_FILTER],
            columns: [{ field: f, fn: 'max' }],
            groupBy: ['op'],
          }),
          `$tag_op ${f.slice(0, 3)}`,
        ]),
      }),
    )
    .withPanel(
      timeseries({
        title: 'Errors by kind',
        description: 'timeout, reset, refused, tls, http-4xx/5xx, soap:<ErrorCode>, overloaded …',
        unit: 'short',
        stacked: true,
        queries: [
          [
            select({
              from: M.errors,
              runVar: run,
              where: [OP_FILTER],
              columns: [{ field: 'count', fn: 'sum' }],
              groupBy: ['kind'],
            }),
            '$tag_kind',
          ],
        ],
      }),
    )
    .withPanel(
      table(
        'Errors per operation and kind (whole range)',
        'Which operation failed how.',
        select({
          from: M.errors,
          runVar: run,
          where: [OP_FILTER],
          byTime: false,
          columns: [{ field: 'count', fn: 'sum', as: 'errors' }],
          groupBy: ['op', 'kind'],
        }),
      ),
    )

    .withRow(new RowBuilder('SUP: scan waves'))
    .withPanel(
      timeseries({
        title: 'SyncUpdates rate',
        description: 'wsus.SyncUpdates requests per wall second: the scan wave as the SUP saw it.',
        unit: 'reqps',
        width: 8,
        queries: [
          [
            select({
              from: M.op,
              runVar: run,
              where: [isOp('wsus.SyncUpdates')],
              columns: [{ field: 'rate', fn: 'mean', as: 'SyncUpdates' }],
            }),
            '$col',
          ],
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Scans: online vs offline, cold',
        description:
          'Scans started in each bucket (the fleet model counts them). Cold = a full scan with no cached revisions.',
        width: 8,
        queries: [
          [
            select({
              from: M.fleet,
              runVar: run,
              columns: [
                { field: 'scans_online', fn: ['non_negative_difference', 'last'], as: 'online' },
                { field: 'scans_offline', fn: ['non_negative_difference', 'last'], as: 'offline' },
                { field: 'cold_scans', fn: ['non_negative_difference', 'last'], as: 'cold' },
              ],
            }),
            '$col',
          ],
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'SUP bytes: SyncUpdates vs extended update info',
        description:
          'Bytes received per bucket. Cold scans pull the catalog through SyncUpdates pages and GetExtendedUpdateInfo; delta scans mostly a short SyncUpdates.',
        unit: 'bytes',
        width: 8,
        queries: [
          [
            select({
              from: M.op,
              runVar: run,
              where: [`"op" =~ /^wsus\\.(SyncUpdates|GetExtendedUpdateInfo)$/`],
              columns: [{ field: 'bytes_in', fn: 'sum' }],
              groupBy: ['op'],
            }),
            '$tag_op',
          ],
        ],
      }),
    )

    .withRow(new RowBuilder('MP: state messages and backlog'))
    .withPanel(
      timeseries({
        title: 'State-message posts and queued on clients',
        description: 'mp.statemsg posts per wall second, and messages waiting on clients to be posted.',
        queries: [
          [
            select({
              from: M.op,
              runVar: run,
              where: [isOp('mp.statemsg')],
              columns: [{ field: 'rate', fn: 'mean', as: 'posts/s' }],
            }),
            '$col',
          ],
          [
            select({
              from: M.fleet,
              runVar: run,
              columns: [{ field: 'queued_state_messages', fn: 'last', as: 'queued on clients' }],
            }),
            '$col',
          ],
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Site backlog: depth and oldest age',
        description:
          'Messages accepted by the MP and not yet processed, and the age of the oldest (site time).',
        queries: [
          [
            select({ from: M.backlog, runVar: run, columns: [{ field: 'depth', fn: 'last', as: 'depth' }] }),
            '$col',
          ],
          [
            select({
              from: M.backlog,
              runVar: run,
              columns: [{ field: 'oldest_age_ms', fn: 'last', as: 'oldest age (ms)' }],
            }),
            '$col',
          ],
        ],
      }),
    )

    .withRow(new RowBuilder('DP: content'))
    .withPanel(
      timeseries({
        title: 'DP bytes per operation',
        description: 'Bytes served by the distribution points per bucket (dp.get ranges, dp.head).',
        unit: 'bytes',
        queries: [
          [
            select({
              from: M.op,
              runVar: run,
              where: [`"op" =~ /^dp\\./`],
              columns: [{ field: 'bytes_in', fn: 'sum' }],
              groupBy: ['op'],
            }),
            '$tag_op',
          ],
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Downloads',
        description: 'Content downloads finished and failed per bucket (fleet model), and DP GET requests.',
        queries: [
          [
            select({
              from: M.fleet,
              runVar: run,
              columns: [
                { field: 'downloads', fn: ['non_negative_difference', 'last'], as: 'downloads' },
                { field: 'downloads_failed', fn: ['non_negative_difference', 'last'], as: 'failed' },
              ],
            }),
            '$col',
          ],
          [
            select({
              from: M.op,
              runVar: run,
              where: [isOp('dp.get')],
              columns: [{ field: 'requests', fn: 'sum', as: 'dp.get requests' }],
            }),
            '$col',
          ],
        ],
      }),
    )

    .withRow(new RowBuilder('Compliance'))
    .withPanel(
      timeseries({
        title: 'Deployment compliance over time',
        description:
          "ConfigMgr's own per-deployment figure (topics 300/301/402 as the site processed them): clients per enforcement state. Compare installed with targeted at the deadline.",
        queries: [
          [
            select({
              from: M.deployment,
              runVar: run,
              columns: [
                { field: 'installed', fn: 'last', as: 'installed' },
                { field: 'downloaded', fn: 'last', as: 'downloaded' },
                { field: 'required', fn: 'last', as: 'required' },
                { field: 'failed', fn: 'last', as: 'failed' },
                { field: 'pending_restart', fn: 'last', as: 'pending restart' },
                { field: 'unknown', fn: 'last', as: 'unknown' },
              ],
              groupBy: ['deployment'],
            }),
            '$tag_deployment $col',
          ],
        ],
      }),
    )
    .withPanel(
      table(
        'Installed by the end of the range (set the range end to the deadline)',
        'Per deployment: targeted, installed and the share installed at the end of the time range; deadline in virtual epoch ms.',
        select({
          from: M.deployment,
          runVar: run,
          byTime: false,
          columns: [
            { field: 'targeted', fn: 'last', as: 'targeted' },
            { field: 'installed', fn: 'last', as: 'installed' },
            { field: 'installed_pct', fn: 'last', as: 'installed %' },
            { field: 'deadline', fn: 'last', as: 'deadline' },
          ],
          groupBy: ['deployment'],
        }),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Fleet-wide compliance (whole catalog)',
        description:
          'Clients with every applicable update of the WHOLE catalog installed — not one deployment; it stays low while old updates are not deployed. Use the deployment figure for "installed by deadline".',
        stacked: true,
        queries: [
          [
            select({
              from: M.fleet,
              runVar: run,
              columns: [
                { field: 'compliant', fn: 'last', as: 'compliant' },
                { field: 'non_compliant', fn: 'last', as: 'non-compliant' },
                { field: 'unknown', fn: 'last', as: 'unknown' },
              ],
            }),
            '$col',
          ],
        ],
      }),
    )

    .withRow(new RowBuilder('Generator health: could it keep up?'))
    .withPanel(
      stat(
        'Generator lateness p99 (worst)',
        `Red (> ${LATENESS_LIMIT_MS} ms): the generator could not keep up — requests went out late; the load asked was not fully applied.`,
        select({
          from: M.generator,
          runVar: run,
          byTime: false,
          columns: [{ field: 'lateness_p99_ms', fn: 'max' }],
        }),
        'ms',
        LATENESS_LIMIT_MS,
      ),
    )
    .withPanel(
      stat(
        'Skipped actions',
        'Red (> 0): the generator could not keep up — actions were skipped (in-flight limit) and never sent.',
        select({ from: M.generator, runVar: run, byTime: false, columns: [{ field: 'skipped', fn: 'sum' }] }),
        'short',
        1,
      ),
    )
    .withPanel(
      timeseries({
        title: 'Lateness p50 / p99 and skipped by reason',
        description: `Actual minus intended send time. Above ${LATENESS_LIMIT_MS} ms or any skip: the generator could not keep up.`,
        unit: 'ms',
        redAbove: LATENESS_LIMIT_MS,
        width: 12,
        queries: [
          [
            select({
              from: M.generator,
              runVar: run,
              columns: [
                { field: 'lateness_p50_ms', fn: 'max', as: 'lateness p50' },
                { field: 'lateness_p99_ms', fn: 'max', as: 'lateness p99' },
              ],
            }),
            '$col',
          ],
          [
            select({
              from: M.skipped,
              runVar: run,
              columns: [{ field: 'count', fn: 'sum' }],
              groupBy: ['reason'],
            }),
            'skipped $tag_reason',
          ],
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Clients and requests in flight',
        description: 'Active and scheduled clients, requests in flight (all workers).',
        queries: [
          [
            select({
              from: M.generator,
              runVar: run,
              columns: [
                { field: 'active_clients', fn: 'last', as: 'active clients' },
                { field: 'in_flight', fn: 'last', as: 'in flight' },
                { field: 'sent', fn: 'sum', as: 'sent' },
              ],
            }),
            '$col',
          ],
        ],
      }),
    )

    .withRow(new RowBuilder('Events'))
    .withPanel(
      table(
        'Events',
        'Profile and site events of the run (also shown as annotations).',
        select({
          from: M.events,
          runVar: run,
          byTime: false,
          columns: [{ field: 'title' }, { field: 'text' }],
        }),
        24,
      ),
    );
}
