// One emulated client as a flat record of numbers plus one nibble array (compliance.ts). No strings, no
// closures, no per-client copies of shared data: identities are derived on demand (identity.ts), the
// cache is a prefix length of the shared machine table. Times are virtual epoch ms.

import { NO_ASSIGNMENTS } from './assignment-state.ts';
import { EMPTY_NIBBLES, ensureCapacity, queue402, queue500 } from './compliance.ts';
import type { FleetCatalog } from './catalog-view.ts';
import { effectiveScanScheduleMs, type FleetConfig } from './config.ts';
import { evaluateRange } from './evaluation.ts';
import { clientRngSeed, nextDelay, pickWeighted } from './rng.ts';
import type { ScanReason } from './vocabulary.ts';

/** Bits of ClientState.flags. */
export const Flag = {
  Active: 1 << 0,
  MpRegistered: 1 << 1,
  UpdatesEnabled: 1 << 2,
  /** GetConfig result cached (a scan without it is cold). */
  WsusConfig: 1 << 3,
  SupRegistered: 1 << 4,
  NeedsRefreshCache: 1 << 5,
  NeedsFileLocations: 1 << 6,
  PendingRestart: 1 << 7,
  PendingScanForced: 1 << 8,
  ActiveScanForced: 1 << 9,
  /** The next scan call must register first (RegistrationRequired). */
  MustRegister: 1 << 10,
  RegisterInFlight: 1 << 11,
  PollInFlight: 1 << 12,
  LocationInFlight: 1 << 13,
  ScanInFlight: 1 << 14,
  PostInFlight: 1 << 15,
  DownloadInFlight: 1 << 16,
  /** The first policy poll after registration is done (later polls keep a random phase). */
  Polled: 1 << 17,
  /** S-FORCED-OFFLINE scans owed after an install / a restart. */
  OfflineScanAfterInstall: 1 << 18,
  OfflineScanAfterRestart: 1 << 19,
} as const;

/** Where the client is with its current deployment (D-REQUIRED, D-MW, D-INSTALL). */
export const Phase = {
  Idle: 0,
  Downloading: 1,
  DownloadRetry: 2,
  WaitingDeadline: 3,
  /** The pre-install scan is pending or running. */
  PreInstallScan: 4,
  WaitingWindow: 5,
  Installing: 6,
  PendingRestart: 7,
  Restarting: 8,
} as const;
export type PhaseCode = (typeof Phase)[keyof typeof Phase];

export const SCAN_REASONS: readonly ScanReason[] = [
  'first',
  'catalog',
  'schedule',
  'reevaluation',
  'deployment',
  'deadline',
  'user-install',
  'forced',
  'retry',
  'post-install',
  'post-restart',
];

export function reasonCode(reason: ScanReason): number {
  return SCAN_REASONS.indexOf(reason);
}

/**
 * A client's times (virtual epoch ms, ±Infinity = none) live in one Float64Array per fleet slice, not in
 * the record: V8 boxes every double-valued field of an object in a heap number of its own (16 bytes each
 * plus the 8-byte field, ~300 bytes per client measured), a typed array stores 8 bytes per time.
 */
const Time = {
  activateAt: 0,
  nextPollAt: 1,
  scanDueAt: 2,
  scheduleNominalAt: 3,
  scheduleDueAt: 4,
  reevalAt: 5,
  flushAt: 6,
  earlyFlushAt: 7,
  cookieExpiresAt: 8,
  lastOnlineScanAt: 9,
  lastScanAt: 10,
  lastEnforceAt: 11,
  phaseAt: 12,
} as const;
const TIME_FIELDS = 13;
/** A new client's times, in `Time` order. */
const TIME_DEFAULTS = new Float64Array([
  0,
  Infinity,
  Infinity,
  Infinity,
  Infinity,
  Infinity,
  Infinity,
  Infinity,
  0,
  -Infinity,
  0,
  0,
  Infinity,
]);

/** The times of a slice's `clients` clients (slot k = the slice's k-th client). */
export class ClientTimes {
  readonly data: Float64Array;
  constructor(clients: number) {
    this.data = new Float64Array(clients * TIME_FIELDS);
  }
}

export class ClientState {
  rng: number;
  flags = 0;
  /** Maintenance window index into config.maintenanceWindows; -1 none. */
  window = -1;
  pendingReason = 0;
  activeReason = 0;
  /** W-COOKIE recoveries within the scan in flight. */
  faultRecoveries = 0;
  /** Failed scans in a row against the current SUP (T-SCANRETRY). */
  scanFailures = 0;
  policyCatalogVersion = 0;
  cachedCatalogVersion = 0;
  /** Prefix of the machine table the local metadata cache holds. */
  cachedCount = 0;
  /** Prefix of the machine table with a detection state in `compliance`. */
  evaluatedCount = 0;
  supCount = 0;
  supIndex = 0;
  /** Last SUP a scan succeeded against; -1 none yet. */
  supAffinity = -1;
  deploymentsSeen = 0;
  enforceDeployment = -1;
  phase: PhaseCode = Phase.Idle;
  nextSerial = 1;
  /** Messages queued (500 + 402 flags in compliance, 300 + 301 flags in assignments, plus 501s). */
  queued = 0;
  queued501 = 0;
  /** Messages in the post in flight (to count losses). */
  posting = 0;
  /** Evaluated positions whose detection state is Required. */
  requiredCount = 0;
  last501State = 0;
  /** Topic-402 state of deployed updates still Required (downloading, downloaded, failed...). */
  last402State = 0;
  compliance: Uint8Array = EMPTY_NIBBLES;
  /** Per deployment index: last 300/301 states and queued flags (assignment-state.ts). */
  assignments: Uint8Array = NO_ASSIGNMENTS;

  /** This client's first slot in `times`. */
  readonly #at: number;
  readonly #times: Float64Array;

  constructor(
    readonly index: number,
    readonly machine: number,
    rng: number,
    times: ClientTimes,
    slot: number,
  ) {
    this.rng = rng;
    this.#times = times.data;
    this.#at = slot * TIME_FIELDS;
    this.#times.set(TIME_DEFAULTS, this.#at);
  }

  get activateAt(): number {
    return this.#times[this.#at + Time.activateAt]!;
  }
  set activateAt(v: number) {
    this.#times[this.#at + Time.activateAt] = v;
  }
  get nextPollAt(): number {
    return this.#times[this.#at + Time.nextPollAt]!;
  }
  set nextPollAt(v: number) {
    this.#times[this.#at + Time.nextPollAt] = v;
  }
  /** Pending scan request (merged from triggers); Infinity = none. */
  get scanDueAt(): number {
    return this.#times[this.#at + Time.scanDueAt]!;
  }
  set scanDueAt(v: number) {
    this.#times[this.#at + Time.scanDueAt] = v;
  }
  get scheduleNominalAt(): number {
    return this.#times[this.#at + Time.scheduleNominalAt]!;
  }
  set scheduleNominalAt(v: number) {
    this.#times[this.#at + Time.scheduleNominalAt] = v;
  }
  get scheduleDueAt(): number {
    return this.#times[this.#at + Time.scheduleDueAt]!;
  }
  set scheduleDueAt(v: number) {
    this.#times[this.#at + Time.scheduleDueAt] = v;
  }
  get reevalAt(): number {
    return this.#times[this.#at + Time.reevalAt]!;
  }
  set reevalAt(v: number) {
    this.#times[this.#at + Time.reevalAt] = v;
  }
  get flushAt(): number {
    return this.#times[this.#at + Time.flushAt]!;
  }
  set flushAt(v: number) {
    this.#times[this.#at + Time.flushAt] = v;
  }
  /** T-POSTINSTALL early report. */
  get earlyFlushAt(): number {
    return this.#times[this.#at + Time.earlyFlushAt]!;
  }
  set earlyFlushAt(v: number) {
    this.#times[this.#at + Time.earlyFlushAt] = v;
  }
  get cookieExpiresAt(): number {
    return this.#times[this.#at + Time.cookieExpiresAt]!;
  }
  set cookieExpiresAt(v: number) {
    this.#times[this.#at + Time.cookieExpiresAt] = v;
  }
  get lastOnlineScanAt(): number {
    return this.#times[this.#at + Time.lastOnlineScanAt]!;
  }
  set lastOnlineScanAt(v: number) {
    this.#times[this.#at + Time.lastOnlineScanAt] = v;
  }
  get lastScanAt(): number {
    return this.#times[this.#at + Time.lastScanAt]!;
  }
  set lastScanAt(v: number) {
    this.#times[this.#at + Time.lastScanAt] = v;
  }
  get lastEnforceAt(): number {
    return this.#times[this.#at + Time.lastEnforceAt]!;
  }
  set lastEnforceAt(v: number) {
    this.#times[this.#at + Time.lastEnforceAt] = v;
  }
  get phaseAt(): number {
    return this.#times[this.#at + Time.phaseAt]!;
  }
  set phaseAt(v: number) {
    this.#times[this.#at + Time.phaseAt] = v;
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  set(flag: number, on = true): void {
    this.flags = on ? this.flags | flag : this.flags & ~flag;
  }
}

/** Creates client `index` (its times in `times` at `slot`): machine type and window drawn from its own RNG, then the start scenario. */
export function createClient(
  config: FleetConfig,
  catalog: FleetCatalog,
  index: number,
  times: ClientTimes,
  slot: number,
): ClientState {
  const rng = { rng: clientRngSeed(config.seed, index) };
  const machine = pickWeighted(
    rng,
    config.machines.map((m) => m.weight),
  );
  const c = new ClientState(index, machine, rng.rng, times, slot);
  if (config.maintenanceWindows.length > 0) {
    const w = pickWeighted(c, [config.noWindowWeight, ...config.maintenanceWindows.map((x) => x.weight)]);
    c.window = w - 1;
  }
  c.activateAt = config.startAt + nextDelay(c, config.rolloutRampMs);
  if (config.start === 'warm') makeWarm(c, config, catalog);
  return c;
}

/** "Already scanned yesterday": registered, enabled, cache and cookie-less config from a scan within
 *  the last TTL, compliance already reported; the periodic schedules sit at random phases. */
function makeWarm(c: ClientState, config: FleetConfig, catalog: FleetCatalog): void {
  const t = config.timers;
  const now = c.activateAt;
  c.set(Flag.MpRegistered | Flag.Polled | Flag.UpdatesEnabled | Flag.WsusConfig | Flag.SupRegistered);
  c.policyCatalogVersion = config.initialCatalogVersion;
  c.cachedCatalogVersion = config.initialCatalogVersion;
  c.lastOnlineScanAt = now - nextDelay(c, t.scanTtlMs);
  c.lastScanAt = c.lastOnlineScanAt;
  c.supCount = config.initialSupCount;
  c.supIndex = nextDelay(c, config.initialSupCount);
  c.supAffinity = c.supIndex;
  c.deploymentsSeen = catalog.deployments.length;
  c.nextSerial = 1000 + nextDelay(c, 10_000);
  const table = catalog.table(c.machine);
  c.cachedCount = table.length;
  c.compliance = ensureCapacity(c.compliance, table.length);
  c.requiredCount = evaluateRange(config, table, c, c.compliance, 0, table.length, false);
  c.evaluatedCount = table.length;
  const schedule = effectiveScanScheduleMs(t);
  c.scheduleNominalAt = now + nextDelay(c, schedule);
  c.scheduleDueAt = c.scheduleNominalAt + nextDelay(c, t.scanScheduleRandomMs);
  c.reevalAt = now + nextDelay(c, t.reevaluationMs);
}

/** Marks a position's 500 message queued and counts it. */
export function queueDetection(c: ClientState, position: number): void {
  if (queue500(c.compliance, position)) c.queued++;
}

export function queueEnforcement(c: ClientState, position: number): void {
  if (queue402(c.compliance, position)) c.queued++;
}
