// Fleet configuration: timers (behaviour.md §2, every one configurable), trigger rules (current
// documentation or the 2007 book's variant), machine mix, maintenance windows and start scenario.
// `defineFleetConfig` fills defaults and rejects bad values with a message naming field, value and range.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface FleetTimers {
  /** T-POLL: machine policy poll interval; each client keeps its own random phase. */
  policyPollMs: number;
  /** T-REGWAIT: wait between registration and the first policy request. */
  registrationWaitMs: number;
  /** T-FIRSTSCAN: first scan after enabling policy or a new catalog version, uniformly within this. */
  firstScanWindowMs: number;
  /** T-SCANSCHED: scan schedule interval (raised to minScanScheduleMs when shorter). */
  scanScheduleMs: number;
  /** T-SCANSCHED: random delay added to each scheduled start. */
  scanScheduleRandomMs: number;
  /** T-SCANSCHED: intervals under this are raised to it (1 day). */
  minScanScheduleMs: number;
  /** T-REEVAL: deployment re-evaluation interval. */
  reevaluationMs: number;
  /** T-STATEMSG: state message reporting cycle (15 min now, 5 min in the 2007 book). */
  stateMessageCycleMs: number;
  /** T-POSTINSTALL: state after an install leaves within this. */
  postInstallReportMs: number;
  /** T-DEADLINE: deadline start randomisation (0 = off). */
  deadlineRandomMs: number;
  /** T-SCANRETRY: wait after a failed scan. */
  scanRetryMs: number;
  /** T-SCANRETRY: retries against the same SUP before moving to the next one. */
  scanRetriesPerSup: number;
  /** T-SCANRETRY: extra wait before the first scan against the next SUP. */
  supSwitchDelayMs: number;
  /** S-TTL: scan metadata time to live after the last online scan. */
  scanTtlMs: number;
  /** W-COOKIE: cookie lifetime assumed when the server's cookie expiry is not reported. */
  defaultCookieLifetimeMs: number;
  /** D-MW: an update's max run time. */
  maxRunTimeMs: number;
  /** D-MW: margin a window needs on top of the max run time. */
  maintenanceWindowMarginMs: number;
  /** D-INSTALL: local install time per update. */
  installMsPerUpdate: number;
  /** D-INSTALL: time from "pending restart" to the restart (restart countdown). */
  restartCountdownMs: number;
  /** D-INSTALL: how long the restart takes. */
  restartMs: number;
  /** D-DP: wait before retrying a failed download. */
  downloadRetryMs: number;
}

export interface TriggerRules {
  /** Scan schedule initiates a forced scan (2007 book) instead of a non-forced one (current docs). */
  scheduleScanForced: boolean;
  /** Deadline scan is forced online (2007 book) instead of non-forced (current docs). */
  deadlineScanForced: boolean;
  /** W-COOKIE: handshake recoveries tried within one scan before it counts as failed. */
  maxFaultRecoveriesPerScan: number;
}

export type TriggerVariant = 'current' | '2007';

/** One emulated machine type: an OS build with a share of the fleet. */
export interface MachineType {
  name: string;
  build: number;
  /** Relative share of the fleet. */
  weight: number;
  /** Fraction of applicable updates already installed before the run. */
  installedFraction: number;
}

/** A recurring maintenance window: open from offsetMs after each multiple of periodMs (epoch based). */
export interface MaintenanceWindowSpec {
  weight: number;
  periodMs: number;
  offsetMs: number;
  durationMs: number;
}

/** fresh: clients are new (register, first policy, cold scan). warm: they scanned within the last TTL. */
export type StartScenario = 'fresh' | 'warm';

export interface FleetConfig {
  seed: number;
  /** Virtual time (epoch ms) the run starts. */
  startAt: number;
  start: StartScenario;
  /** Clients come up uniformly over this span from startAt (rollout ramp); 0 = all at once. */
  rolloutRampMs: number;
  variant: TriggerVariant;
  timers: FleetTimers;
  rules: TriggerRules;
  machines: MachineType[];
  maintenanceWindows: MaintenanceWindowSpec[];
  /** Relative share of clients without any maintenance window. */
  noWindowWeight: number;
  /** Warm start: the catalog version clients already scanned, and how many SUPs they know. */
  initialCatalogVersion: number;
  initialSupCount: number;
  /** Share of installs that fail (topic 402 state 11, 301 state 6); drawn from the client's own RNG, and
   *  only when > 0, so schedules without failures stay what they were. The client retries at its next
   *  scan that finds the deployment still required (deadline passed: at once). */
  installFailureRate: number;
}

/** Timers that drive a periodic schedule: they must be > 0 or a client would wake in a tight loop
 *  (checked here and by the profile schema). */
export const PERIODIC_TIMERS: ReadonlySet<keyof FleetTimers> = new Set<keyof FleetTimers>([
  'policyPollMs',
  'scanScheduleMs',
  'minScanScheduleMs',
  'reevaluationMs',
  'stateMessageCycleMs',
  'scanRetryMs',
  'scanTtlMs',
  'defaultCookieLifetimeMs',
  'downloadRetryMs',
]);

export function defaultTimers(variant: TriggerVariant = 'current'): FleetTimers {
  return {
    policyPollMs: 60 * MINUTE,
    registrationWaitMs: 5_000,
    firstScanWindowMs: 2 * HOUR,
    scanScheduleMs: 7 * DAY,
    scanScheduleRandomMs: 2 * HOUR,
    minScanScheduleMs: DAY,
    reevaluationMs: 7 * DAY,
    stateMessageCycleMs: variant === '2007' ? 5 * MINUTE : 15 * MINUTE,
    postInstallReportMs: 2 * MINUTE,
    deadlineRandomMs: 120 * MINUTE,
    scanRetryMs: 30 * MINUTE,
    scanRetriesPerSup: 4,
    supSwitchDelayMs: 2 * MINUTE,
    scanTtlMs: DAY,
    defaultCookieLifetimeMs: 60 * MINUTE,
    maxRunTimeMs: 20 * MINUTE,
    maintenanceWindowMarginMs: 15 * MINUTE,
    installMsPerUpdate: 3 * MINUTE,
    restartCountdownMs: 90 * MINUTE,
    restartMs: 3 * MINUTE,
    downloadRetryMs: 30 * MINUTE,
  };
}

export function defaultRules(variant: TriggerVariant = 'current'): TriggerRules {
  return {
    scheduleScanForced: variant === '2007',
    deadlineScanForced: variant === '2007',
    maxFaultRecoveriesPerScan: 3,
  };
}

export const DEFAULT_MACHINES: readonly MachineType[] = [
  { name: 'win11-23h2', build: 22631, weight: 45, installedFraction: 0.8 },
  { name: 'win11-24h2', build: 26100, weight: 25, installedFraction: 0.85 },
  { name: 'win10-22h2', build: 19045, weight: 25, installedFraction: 0.75 },
  { name: 'server-2022', build: 20348, weight: 5, installedFraction: 0.7 },
];

export interface FleetConfigInput extends Partial<Omit<FleetConfig, 'timers' | 'rules'>> {
  seed: number;
  timers?: Partial<FleetTimers>;
  rules?: Partial<TriggerRules>;
}

export class FleetConfigError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`fleet config: ${field} = ${JSON.stringify(value)} is invalid; expected ${expected}`);
    this.name = 'FleetConfigError';
  }
}

/** Fills defaults (variant first, then overrides) and validates. */
export function defineFleetConfig(input: FleetConfigInput): FleetConfig {
  const variant = input.variant ?? 'current';
  const config: FleetConfig = {
    seed: input.seed,
    startAt: input.startAt ?? 0,
    start: input.start ?? 'fresh',
    rolloutRampMs: input.rolloutRampMs ?? 0,
    variant,
    timers: { ...defaultTimers(variant), ...input.timers },
    rules: { ...defaultRules(variant), ...input.rules },
    machines: input.machines ?? DEFAULT_MACHINES.map((m) => ({ ...m })),
    maintenanceWindows: input.maintenanceWindows ?? [],
    noWindowWeight: input.noWindowWeight ?? 1,
    initialCatalogVersion: input.initialCatalogVersion ?? 1,
    initialSupCount: input.initialSupCount ?? 1,
    installFailureRate: input.installFailureRate ?? 0,
  };
  validate(config);
  return config;
}

/** T-SCANSCHED: a schedule shorter than the minimum is raised to it. */
export function effectiveScanScheduleMs(timers: FleetTimers): number {
  return Math.max(timers.scanScheduleMs, timers.minScanScheduleMs);
}

function validate(c: FleetConfig): void {
  const int = (field: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new FleetConfigError(field, v, `an integer >= ${min}`);
    }
  };
  const ms = (field: string, v: unknown, positive: boolean) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
      throw new FleetConfigError(
        field,
        v,
        positive ? 'a finite number of ms > 0' : 'a finite number of ms >= 0',
      );
    }
  };
  const fraction = (field: string, v: unknown) => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      throw new FleetConfigError(field, v, 'a number in [0, 1]');
  };
  int('seed', c.seed, -(2 ** 31));
  ms('startAt', c.startAt, false);
  if (c.start !== 'fresh' && c.start !== 'warm')
    throw new FleetConfigError('start', c.start, "'fresh' or 'warm'");
  if (c.variant !== 'current' && c.variant !== '2007') {
    throw new FleetConfigError('variant', c.variant, "'current' or '2007'");
  }
  ms('rolloutRampMs', c.rolloutRampMs, false);
  for (const [name, v] of Object.entries(c.timers)) {
    if (name === 'scanRetriesPerSup') int('timers.scanRetriesPerSup', v, 0);
    else ms(`timers.${name}`, v, PERIODIC_TIMERS.has(name as keyof FleetTimers));
  }
  int('rules.maxFaultRecoveriesPerScan', c.rules.maxFaultRecoveriesPerScan, 0);
  if (c.machines.length === 0)
    throw new FleetConfigError('machines', c.machines, 'at least one machine type');
  c.machines.forEach((m, i) => {
    int(`machines[${i}].build`, m.build, 0);
    ms(`machines[${i}].weight`, m.weight, true);
    fraction(`machines[${i}].installedFraction`, m.installedFraction);
  });
  c.maintenanceWindows.forEach((w, i) => {
    ms(`maintenanceWindows[${i}].weight`, w.weight, true);
    ms(`maintenanceWindows[${i}].periodMs`, w.periodMs, true);
    ms(`maintenanceWindows[${i}].offsetMs`, w.offsetMs, false);
    ms(`maintenanceWindows[${i}].durationMs`, w.durationMs, true);
    if (w.durationMs > w.periodMs) {
      throw new FleetConfigError(
        `maintenanceWindows[${i}].durationMs`,
        w.durationMs,
        `<= periodMs (${w.periodMs})`,
      );
    }
  });
  ms('noWindowWeight', c.noWindowWeight, false);
  int('initialCatalogVersion', c.initialCatalogVersion, 0);
  int('initialSupCount', c.initialSupCount, 1);
  fraction('installFailureRate', c.installFailureRate);
}
