// "Capacity review (k6)": the capacity review of a `patchstorm k6` script run by k6 with its own
// `--out influxdb=` (InfluxDB v1): load, latency and errors per operation from the script's custom metrics
// (patchstorm_requests, patchstorm_latency, patchstorm_errors, patchstorm_error_rate), k6's own view of the
// same requests (http_reqs, http_req_duration, http_req_failed) and its VUs. k6 writes every sample at WALL
// time (not the virtual clock of `patchstorm run`'s outputs) and writes one point per sample: the panels
// aggregate per interval. Fleet, backlog, deployment and generator-lateness figures are not written by a
// k6 run (harness/k6/README.md): use the swarm's Capacity review for those.
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TextBuilder, TextMode } from '@grafana/grafana-foundation-sdk/text';
import { K6_MEASUREMENTS as K } from '../harness/k6/metrics-names.ts';
import { datasourceVariable, opVariable, runVariable, stat, table, timeseries } from './common.ts';
import { OP_FILTER, selectK6 } from './influxql.ts';

export const CAPACITY_REVIEW_K6_UID = 'patchstorm-capacity-review-k6';

const run = 'run';
/** Per-interval sums as per-second rates: Grafana's $__interval_ms is the GROUP BY time() bucket. */
const PER_SECOND = '* 1000 / $__interval_ms';

const NOTE = `**A k6 run of a \`patchstorm k6\` script**, read from k6's own \`--out influxdb=\` (InfluxDB v1).
Time axis: **wall time** (k6 stamps each sample when measured), not the virtual clock of \`patchstorm run\`:
a day emulated at ×120 spans 12 wall minutes here. Runs are told apart by the script's \`run\` tag
(\`-e PATCHSTORM_RUN=<id>\`, default: the id chosen at build). One point per request: expect a large database
for long runs. Not written by k6, so not here: fleet compliance, site backlog, deployments, generator lateness.`;

/** Runs are told apart by the script's `run` tag (options.tags: the build's id or -e PATCHSTORM_RUN). */
export function capacityReviewK6(): DashboardBuilder {
  return new DashboardBuilder('patchstorm — Capacity review (k6)')
    .uid(CAPACITY_REVIEW_K6_UID)
    .description(
      "A patchstorm k6 script's run from k6's InfluxDB output, on wall time: load, latency, errors per operation, k6's request view, VUs.",
    )
    .tags(['patchstorm', 'capacity', 'k6'])
    .timezone('utc')
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-6h', to: 'now' })
    .withVariable(datasourceVariable())
    .withVariable(runVariable(run, 'Run (k6 run tag)', K.requests))
    .withVariable(opVariable(run, K.requests))
    .withPanel(
      new TextBuilder()
        .title('About this dashboard')
        .span(24)
        .height(4)
        .mode(TextMode.Markdown)
        .content(NOTE),
    )

    .withRow(new RowBuilder('Load and latency per operation (wall time)'))
    .withPanel(
      timeseries({
        title: 'Request rate per operation',
        description:
          'patchstorm_requests per wall second (sum of the 1-per-request samples over the bucket).',
        unit: 'reqps',
        queries: [
          [
            selectK6({
              from: K.requests,
              runVar: run,
              where: [OP_FILTER],
              columns: [{ field: 'value', fn: 'sum', scale: PER_SECOND }],
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
        description:
          'patchstorm_latency: reply latency as k6 measured it (timings.duration), percentiles of the samples in each bucket.',
        unit: 'ms',
        queries: ([50, 95, 99] as const).map((p) => [
          selectK6({
            from: K.latency,
            runVar: run,
            where: [OP_FILTER],
            columns: [{ field: 'value', fn: 'percentile', arg: p }],
            groupBy: ['op'],
          }),
          `$tag_op p${p}`,
        ]),
      }),
    )
    .withPanel(
      timeseries({
        title: 'Errors by kind',
        description:
          "patchstorm_errors: the swarm's error kinds (timeout, reset, refused, http-4xx/5xx, soap:<ErrorCode> …).",
        stacked: true,
        queries: [
          [
            selectK6({
              from: K.errors,
              runVar: run,
              where: [OP_FILTER],
              columns: [{ field: 'value', fn: 'sum' }],
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
        selectK6({
          from: K.errors,
          runVar: run,
          where: [OP_FILTER],
          byTime: false,
          columns: [{ field: 'value', fn: 'sum', as: 'errors' }],
          groupBy: ['op', 'kind'],
        }),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Error rate per operation',
        description:
          'patchstorm_error_rate: share of requests that counted as an error (the thresholds read it).',
        unit: 'percentunit',
        queries: [
          [
            selectK6({
              from: K.errorRate,
              runVar: run,
              where: [OP_FILTER],
              columns: [{ field: 'value', fn: 'mean' }],
              groupBy: ['op'],
            }),
            '$tag_op',
          ],
        ],
      }),
    )
    .withPanel(
      table(
        'Per operation (whole range)',
        'Requests, p95 and errors of each operation over the time range.',
        selectK6({
          from: K.latency,
          runVar: run,
          where: [OP_FILTER],
          byTime: false,
          columns: [
            { field: 'value', fn: 'count', as: 'replies' },
            { field: 'value', fn: 'percentile', arg: 95, as: 'p95 ms' },
            { field: 'value', fn: 'max', as: 'max ms' },
          ],
          groupBy: ['op'],
        }),
      ),
    )

    .withRow(new RowBuilder("k6's own view of the requests"))
    .withPanel(
      timeseries({
        title: 'http_reqs per second, by status',
        description: "k6's request counter (every request of http.batch), tagged with the response status.",
        unit: 'reqps',
        width: 8,
        queries: [
          [
            selectK6({
              from: K.httpReqs,
              runVar: run,
              where: [OP_FILTER],
              columns: [{ field: 'value', fn: 'sum', scale: PER_SECOND }],
              groupBy: ['status'],
            }),
            'status $tag_status',
          ],
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'http_req_duration p95 per operation',
        description: "k6's request duration (sending + waiting + receiving), p95 per bucket.",
        unit: 'ms',
        width: 8,
        queries: [
          [
            selectK6({
              from: K.httpReqDuration,
              runVar: run,
              where: [OP_FILTER],
              columns: [{ field: 'value', fn: 'percentile', arg: 95 }],
              groupBy: ['op'],
            }),
            '$tag_op',
          ],
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'http_req_failed',
        description:
          "k6's failed-request rate: status outside 200–399 or no reply (k6's rule, not patchstorm's error kinds).",
        unit: 'percentunit',
        width: 8,
        queries: [
          [
            selectK6({
              from: K.httpReqFailed,
              runVar: run,
              where: [OP_FILTER],
              columns: [{ field: 'value', fn: 'mean' }],
              groupBy: ['op'],
            }),
            '$tag_op',
          ],
        ],
      }),
    )

    .withRow(new RowBuilder('Generator: k6 VUs'))
    .withPanel(
      timeseries({
        title: 'VUs (all instances)',
        description:
          'k6 VUs: every instance of a distributed test writes its active VUs once a second, so the per-second sum is the VUs of all instances (mean over the bucket). Each VU steps a slice of the fleet; k6 measures no lateness.',
        width: 12,
        queries: [
          [
            selectK6({
              from: K.vus,
              runVar: run,
              columns: [{ field: 'value', fn: 'sum', scale: PER_SECOND, as: 'VUs' }],
            }),
            '$col',
          ],
        ],
      }),
    )
    .withPanel(
      stat(
        'Requests (whole range)',
        'patchstorm_requests over the time range, all operations selected.',
        selectK6({
          from: K.requests,
          runVar: run,
          where: [OP_FILTER],
          byTime: false,
          columns: [{ field: 'value', fn: 'sum' }],
        }),
        'short',
        Number.MAX_SAFE_INTEGER,
      ),
    )
    .withPanel(
      stat(
        'Error rate (whole range)',
        'Red above 1 %: patchstorm_error_rate over the range.',
        selectK6({
          from: K.errorRate,
          runVar: run,
          where: [OP_FILTER],
          byTime: false,
          columns: [{ field: 'value', fn: 'mean' }],
        }),
        'percentunit',
        0.01,
      ),
    );
}
