// The InfluxDB measurement contract: what `--out influxdb=URL` writes and the Grafana dashboards
// (`dashboards/`) query. One home for every measurement, tag and field name; dashboards/README.md
// documents it for people. Pure constants: the dashboards import this file and schema.ts only.
//
// Every point carries the tags `run`, `profile` and `target`. Its time is the run's VIRTUAL clock
// (ms), so a compressed day plots as a day. Point count per interval grows with operations × error
// kinds and deployments, never with clients.

export const MEASUREMENTS = {
  /** One point per run at its virtual start: the run's parameters. */
  run: 'patchstorm_run',
  /** Per operation per interval; tag `op`. */
  op: 'patchstorm_op',
  /** Errors per operation and kind per interval (only non-zero kinds); tags `op`, `kind`. */
  errors: 'patchstorm_errors',
  /** The generator's own health per interval. */
  generator: 'patchstorm_generator',
  /** Skipped actions per reason per interval (every known reason, zeros included); tag `reason`. */
  skipped: 'patchstorm_skipped',
  /** The fleet model's gauges (latest) and cumulative counters. */
  fleet: 'patchstorm_fleet',
  /** The site's state-message backlog (when an observer is given). */
  backlog: 'patchstorm_backlog',
  /** ConfigMgr's per-deployment compliance (topics 300/301/402 as the site processed them); tag `deployment`. */
  deployment: 'patchstorm_deployment',
  /** Profile/site/run events, for annotations; tag `kind`. */
  events: 'patchstorm_events',
} as const;

export const TAGS = {
  run: 'run',
  profile: 'profile',
  target: 'target',
  op: 'op',
  kind: 'kind',
  reason: 'reason',
  deployment: 'deployment',
} as const;

/** patchstorm_run fields. */
export const RUN_FIELDS = ['fleet_size', 'workers', 'speed', 'seed', 'duration_ms', 'wall_start'] as const;

/** patchstorm_op fields: counts are of the interval; `rate` is requests per wall second (what the server saw). */
export const OP_FIELDS = [
  'requests',
  'errors',
  'retries',
  'rate',
  'bytes_in',
  'bytes_out',
  'p50_ms',
  'p90_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
] as const;

/** patchstorm_errors fields. */
export const ERROR_FIELDS = ['count'] as const;

/** patchstorm_generator fields. */
export const GENERATOR_FIELDS = [
  'sent',
  'skipped',
  'requests',
  'errors',
  'rate',
  'p95_ms',
  'lateness_p50_ms',
  'lateness_p99_ms',
  'in_flight',
  'active_clients',
  'scheduled_clients',
] as const;

/** patchstorm_skipped fields. */
export const SKIPPED_FIELDS = ['count'] as const;

/**
 * patchstorm_fleet fields: each `fleet.<name>` gauge of the interval as snake_case `<name>`
 * (`fleet.nonCompliant` -> `non_compliant`, `fleet.activity.idle` -> `activity_idle`). Gauges are the
 * latest value; the scans/downloads/installs/state-message fields are cumulative over the run (chart
 * their `non_negative_difference`). The list below is what the fleet model writes today.
 */
export const FLEET_FIELDS = [
  'compliant',
  'non_compliant',
  'unknown',
  'required_updates',
  'queued_state_messages',
  'within_ttl',
  'scans_online',
  'scans_offline',
  'scans_forced',
  'scans_unforced',
  'cold_scans',
  'scan_repeats',
  'sup_switches',
  'state_messages_posted',
  'state_messages_lost',
  'downloads',
  'downloads_failed',
  'installs',
  'updates_installed',
] as const;

/** Prefix of the fleet gauges written to patchstorm_fleet (`adapter.*` gauges are internal and not written). */
export const FLEET_GAUGE_PREFIX = 'fleet.';

/** patchstorm_backlog fields (`processed_per_minute` only when the site reports it). */
export const BACKLOG_FIELDS = ['depth', 'oldest_age_ms', 'processed_per_minute'] as const;

/** patchstorm_deployment fields: clients per enforcement state, plus the share installed. */
export const DEPLOYMENT_FIELDS = [
  'deployment_name',
  'targeted',
  'required',
  'downloaded',
  'installed',
  'failed',
  'pending_restart',
  'unknown',
  'installed_pct',
  'deadline',
] as const;

/** patchstorm_events fields (Grafana annotation columns). */
export const EVENT_FIELDS = ['title', 'text', 'tags'] as const;

/** `fleet.scansOnline` -> `scans_online`, `fleet.activity.idle` -> `activity_idle`. */
export function fleetFieldName(gauge: string): string {
  return gauge
    .slice(FLEET_GAUGE_PREFIX.length)
    .replace(/[.\s-]+/g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
