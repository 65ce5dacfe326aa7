// What `patchstorm k6` embeds in the script (harness/cli/k6-build.ts writes it, entry.ts reads it): the
// profile turned into the fleet behaviour's options, the run's size and pace, the k6 options, the
// registration key. Plain JSON: the bundle carries it as a module.
import type { FleetBehaviourOptions } from '../client/behaviour-options.ts';
import type { SigningKey } from './rsa-signer.ts';

export interface K6ScriptConfig {
  profileName: string;
  /** The `run` tag of every metric (options.tags), unless -e PATCHSTORM_RUN gives one: chosen at build
   *  time, so every instance of a distributed test tags the same run. */
  runId: string;
  fleetSize: number;
  seed: number;
  /** Virtual ms per wall ms, and the virtual run length. */
  speed: number;
  durationMs: number;
  /** Total VUs of the test (all execution segments together): the fleet is striped over them. */
  vus: number;
  /** The virtual start the options below were made for (their absolute times are shifted at run time). */
  builtForStart: number;
  behaviourOptions: FleetBehaviourOptions;
  signingKey: SigningKey;
  /** k6 `options.thresholds`, from the profile's (harness/cli/k6-thresholds.ts). */
  thresholds: Record<string, string[]>;
  /** Per-request deadline, k6 duration text (e.g. '60s'). */
  requestTimeout: string;
  /** Most requests one VU sends in one http.batch. */
  maxBatch: number;
}

/** The options' absolute virtual times moved to a run that starts at `start` instead of builtForStart. */
export function shiftedOptions(config: K6ScriptConfig, start: number): FleetBehaviourOptions {
  const delta = start - config.builtForStart;
  const o = config.behaviourOptions;
  return {
    ...o,
    fleet: { ...o.fleet, ...(o.fleet.startAt !== undefined ? { startAt: o.fleet.startAt + delta } : {}) },
    events: { forcedScans: (o.events?.forcedScans ?? []).map((e) => ({ ...e, at: e.at + delta })) },
  };
}
