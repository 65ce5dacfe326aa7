// What one `patchstorm run` will do, decided before anything starts: the validated profile with the
// command line's overrides applied, where the load goes, and where the report is written.
import type { Profile } from '../../profiles/index.ts';
import type { HttpLimits } from '../engine/http-limits.ts';
import type { OutputSpec } from '../metrics/outputs/outputs.ts';
import type { Thresholds } from '../metrics/thresholds.ts';

/** Servers the fleet talks to when the operator names them (no embedded site). */
export interface ExternalTarget {
  kind: 'external';
  mp: string;
  sups: string[];
  dps: string[];
  siteCode: string;
  /** Observer API of a reference site (site-side events and backlog samples need it). */
  observer?: string;
  /** Its bearer token (`--observer-token` or PATCHSTORM_OBSERVER_TOKEN), when it has one. */
  observerToken?: string;
}

export interface EmbeddedTarget {
  kind: 'embedded';
}

export interface RunPlan {
  profile: Profile;
  fleetSize: number;
  speed: number;
  durationMs: number;
  seed: number;
  /** Worker threads; undefined = one per core. */
  workers?: number;
  /** Sockets per target origin and worker thread; undefined = the transport's default (64). */
  connections?: number;
  /** Requests in flight per worker thread before more are skipped; undefined = the engine's default. */
  maxInFlight?: number;
  target: ExternalTarget | EmbeddedTarget;
  tls: { caFile?: string; insecure?: boolean };
  /** Request deadline and reply memory limits for the swarm and discovery (defaults: engine/http-limits.ts). */
  limits: HttpLimits;
  /** The run's folder: summary.json, timeline.ndjson and relative output files. */
  outDir: string;
  /** `--out NAME[=ARG]` and the profile's `outputs` (the always-on ones are added when absent). */
  outputs: OutputSpec[];
  /** `--grafana-url`: the operator's Grafana, for a ready dashboard link at the end. */
  grafanaUrl?: string;
  thresholds: Thresholds;
}
