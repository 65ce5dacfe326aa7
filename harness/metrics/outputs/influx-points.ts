// Turns what the run hands an output (meta, interval stats, events) into InfluxDB points, by the
// contract in influx-schema.ts. Timestamps are virtual epoch ms (the writer's precision is ms). The
// run-wide tags (run, profile, target) are the write API's default tags, not set here.
import { Point } from '@influxdata/influxdb-client';
import type { IntervalStats } from '../aggregator.ts';
import { SKIP_REASONS } from '../schema.ts';
import { FLEET_GAUGE_PREFIX, fleetFieldName, MEASUREMENTS as M } from './influx-schema.ts';
import type { RunEvent, RunMeta } from './output.ts';

export function runPoint(meta: RunMeta): Point {
  return new Point(M.run)
    .intField('fleet_size', meta.fleetSize)
    .intField('workers', meta.workers)
    .floatField('speed', meta.speed)
    .intField('seed', meta.seed)
    .intField('duration_ms', meta.durationMs)
    .intField('wall_start', meta.wallStart)
    .timestamp(meta.virtualStart);
}

/** Every point of one interval: ops + (ops × non-zero error kinds) + generator + skip reasons + fleet + backlog + deployments. */
export function intervalPoints(s: IntervalStats): Point[] {
  const t = Math.round(s.virtualTime);
  const out: Point[] = [];
  for (const op of s.operations) {
    out.push(
      new Point(M.op)
        .tag('op', op.name)
        .intField('requests', op.requests)
        .intField('errors', op.errors)
        .intField('retries', op.retries)
        .floatField('rate', op.perSecond)
        .intField('bytes_in', op.bytesIn)
        .intField('bytes_out', op.bytesOut)
        .floatField('p50_ms', op.p50Ms)
        .floatField('p90_ms', op.p90Ms)
        .floatField('p95_ms', op.p95Ms)
        .floatField('p99_ms', op.p99Ms)
        .floatField('max_ms', op.maxMs)
        .timestamp(t),
    );
    for (const [kind, n] of Object.entries(op.errorsByKind)) {
      if (n > 0)
        out.push(new Point(M.errors).tag('op', op.name).tag('kind', kind).intField('count', n).timestamp(t));
    }
  }
  out.push(
    new Point(M.generator)
      .intField('sent', s.sent)
      .intField('skipped', s.skipped)
      .intField('requests', s.requests)
      .intField('errors', s.errors)
      .floatField('rate', s.perSecond)
      .floatField('p95_ms', s.p95Ms)
      .floatField('lateness_p50_ms', s.latenessP50Ms)
      .floatField('lateness_p99_ms', s.latenessP99Ms)
      .intField('in_flight', s.inFlight)
      .intField('active_clients', s.activeClients)
      .intField('scheduled_clients', s.scheduledClients)
      .timestamp(t),
  );
  // Every known reason each interval, zeros included: a chart shows "0 skipped", not "no data".
  const reasons = new Set<string>([...SKIP_REASONS, ...Object.keys(s.skippedByReason)]);
  for (const reason of reasons) {
    out.push(
      new Point(M.skipped)
        .tag('reason', reason)
        .intField('count', s.skippedByReason[reason] ?? 0)
        .timestamp(t),
    );
  }
  const fleet = new Point(M.fleet).timestamp(t);
  let fleetFields = 0;
  for (const [name, value] of Object.entries(s.gauges)) {
    if (!name.startsWith(FLEET_GAUGE_PREFIX) || !Number.isFinite(value)) continue;
    fleet.floatField(fleetFieldName(name), value);
    fleetFields++;
  }
  if (fleetFields > 0) out.push(fleet);
  if (s.backlog) {
    const b = new Point(M.backlog)
      .intField('depth', s.backlog.depth)
      .floatField('oldest_age_ms', s.backlog.oldestAgeMs)
      .timestamp(t);
    if (s.backlog.processedPerMinute !== undefined)
      b.floatField('processed_per_minute', s.backlog.processedPerMinute);
    out.push(b);
  }
  for (const d of s.deployments ?? []) {
    const p = new Point(M.deployment)
      .tag('deployment', d.id)
      .stringField('deployment_name', d.name)
      .intField('targeted', d.targeted)
      .intField('required', d.required)
      .intField('downloaded', d.downloaded)
      .intField('installed', d.installed)
      .intField('failed', d.failed)
      .intField('pending_restart', d.pendingRestart)
      .intField('unknown', d.unknown)
      .floatField('installed_pct', d.targeted > 0 ? (100 * d.installed) / d.targeted : 0)
      .timestamp(t);
    if (d.deadline !== undefined) p.intField('deadline', d.deadline);
    out.push(p);
  }
  return out;
}

export function eventPoint(e: RunEvent): Point {
  const tags = Object.entries(e.tags ?? {});
  const p = new Point(M.events)
    .tag('kind', e.kind)
    .stringField('title', e.title)
    .stringField(
      'text',
      tags.length > 0 ? `${e.title} (${tags.map(([k, v]) => `${k}=${v}`).join(', ')})` : e.title,
    )
    .stringField('tags', [e.kind, ...tags.map(([k, v]) => `${k}:${v}`)].join(','))
    .timestamp(Math.round(e.virtualTime));
  const deployment = e.tags?.deployment;
  if (deployment) p.tag('deployment', deployment);
  return p;
}
