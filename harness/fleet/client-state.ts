// One emulated client as a record of numbers (kept in the slice's typed arrays) plus one nibble array (compliance.ts). No strings, no
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
 * A client's numbers live in two typed arrays per fleet slice, not in its record: V8 keeps every field of
 * an object in an 8-byte slot and boxes each double-valued one (times are epoch ms) in a heap number of
 * its own, 16 bytes more (~550 bytes per client measured with heap snapshots, bench:profile --heap-at).
 * Here a time takes 8 bytes (Float64Array `wide`) and a small integer 4 (Int32Array `narrow`).
 */
const Wide = {
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
  policyCatalogVersion: 13,
  cachedCatalogVersion: 14,
} as const;
const WIDE_FIELDS = 15;
const Narrow = {
  rng: 0,
  flags: 1,
  window: 2,
  pendingReason: 3,
  activeReason: 4,
  faultRecoveries: 5,
  scanFailures: 6,
  cachedCount: 7,
  evaluatedCount: 8,
  supCount: 9,
  supIndex: 10,
  supAffinity: 11,
  deploymentsSeen: 12,
  enforceDeployment: 13,
  phase: 14,
  nextSerial: 15,
  queued: 16,
  queued501: 17,
  posting: 18,
  requiredCount: 19,
  last501State: 20,
  last402State: 21,
} as const;
const NARROW_FIELDS = 22;
/** A new client's numbers, in field order. */
const WIDE_DEFAULTS = new Float64Array([
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
  0,
  0,
]);
const NARROW_DEFAULTS = new Int32Array([0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, -1, 0, 1, 0, 0, 0, 0, 0, 0]);

/** The numbers of a slice's `clients` clients (slot k = the slice's k-th client). */
export class ClientNumbers {
  readonly wide: Float64Array;
  readonly narrow: Int32Array;
  constructor(clients: number) {
    this.wide = new Float64Array(clients * WIDE_FIELDS);
    this.narrow = new Int32Array(clients * NARROW_FIELDS);
  }
}

export class ClientState {
  compliance: Uint8Array = EMPTY_NIBBLES;
  /** Per deployment index: last 300/301 states and queued flags (assignment-state.ts). */
  assignments: Uint8Array = NO_ASSIGNMENTS;
  private readonly wideStore: Float64Array;
  private readonly narrowStore: Int32Array;
  // TypeScript-private, not #private: the accessors below run on every field read of the fleet, and
  // #private brand checks made fleet stepping ~25 % slower (measured, 3,000 clients × 3 days).
  /** This client's first field in each array. */
  private readonly wideAt: number;
  private readonly narrowAt: number;

  constructor(
    readonly index: number,
    readonly machine: number,
    rng: number,
    numbers: ClientNumbers,
    slot: number,
  ) {
    this.wideStore = numbers.wide;
    this.narrowStore = numbers.narrow;
    this.wideAt = slot * WIDE_FIELDS;
    this.narrowAt = slot * NARROW_FIELDS;
    this.wideStore.set(WIDE_DEFAULTS, this.wideAt);
    this.narrowStore.set(NARROW_DEFAULTS, this.narrowAt);
    this.rng = rng;
  }

  get activateAt(): number {
    return this.wideStore[this.wideAt + Wide.activateAt]!;
  }
  set activateAt(v: number) {
    this.wideStore[this.wideAt + Wide.activateAt] = v;
  }
  get nextPollAt(): number {
    return this.wideStore[this.wideAt + Wide.nextPollAt]!;
  }
  set nextPollAt(v: number) {
    this.wideStore[this.wideAt + Wide.nextPollAt] = v;
  }
  /** Pending scan request (merged from triggers); Infinity = none. */
  get scanDueAt(): number {
    return this.wideStore[this.wideAt + Wide.scanDueAt]!;
  }
  set scanDueAt(v: number) {
    this.wideStore[this.wideAt + Wide.scanDueAt] = v;
  }
  get scheduleNominalAt(): number {
    return this.wideStore[this.wideAt + Wide.scheduleNominalAt]!;
  }
  set scheduleNominalAt(v: number) {
    this.wideStore[this.wideAt + Wide.scheduleNominalAt] = v;
  }
  get scheduleDueAt(): number {
    return this.wideStore[this.wideAt + Wide.scheduleDueAt]!;
  }
  set scheduleDueAt(v: number) {
    this.wideStore[this.wideAt + Wide.scheduleDueAt] = v;
  }
  get reevalAt(): number {
    return this.wideStore[this.wideAt + Wide.reevalAt]!;
  }
  set reevalAt(v: number) {
    this.wideStore[this.wideAt + Wide.reevalAt] = v;
  }
  get flushAt(): number {
    return this.wideStore[this.wideAt + Wide.flushAt]!;
  }
  set flushAt(v: number) {
    this.wideStore[this.wideAt + Wide.flushAt] = v;
  }
  /** T-POSTINSTALL early report. */
  get earlyFlushAt(): number {
    return this.wideStore[this.wideAt + Wide.earlyFlushAt]!;
  }
  set earlyFlushAt(v: number) {
    this.wideStore[this.wideAt + Wide.earlyFlushAt] = v;
  }
  get cookieExpiresAt(): number {
    return this.wideStore[this.wideAt + Wide.cookieExpiresAt]!;
  }
  set cookieExpiresAt(v: number) {
    this.wideStore[this.wideAt + Wide.cookieExpiresAt] = v;
  }
  get lastOnlineScanAt(): number {
    return this.wideStore[this.wideAt + Wide.lastOnlineScanAt]!;
  }
  set lastOnlineScanAt(v: number) {
    this.wideStore[this.wideAt + Wide.lastOnlineScanAt] = v;
  }
  get lastScanAt(): number {
    return this.wideStore[this.wideAt + Wide.lastScanAt]!;
  }
  set lastScanAt(v: number) {
    this.wideStore[this.wideAt + Wide.lastScanAt] = v;
  }
  get lastEnforceAt(): number {
    return this.wideStore[this.wideAt + Wide.lastEnforceAt]!;
  }
  set lastEnforceAt(v: number) {
    this.wideStore[this.wideAt + Wide.lastEnforceAt] = v;
  }
  get phaseAt(): number {
    return this.wideStore[this.wideAt + Wide.phaseAt]!;
  }
  set phaseAt(v: number) {
    this.wideStore[this.wideAt + Wide.phaseAt] = v;
  }
  /** Catalog versions come from policy text: kept as doubles, whatever their size. */
  get policyCatalogVersion(): number {
    return this.wideStore[this.wideAt + Wide.policyCatalogVersion]!;
  }
  set policyCatalogVersion(v: number) {
    this.wideStore[this.wideAt + Wide.policyCatalogVersion] = v;
  }
  get cachedCatalogVersion(): number {
    return this.wideStore[this.wideAt + Wide.cachedCatalogVersion]!;
  }
  set cachedCatalogVersion(v: number) {
    this.wideStore[this.wideAt + Wide.cachedCatalogVersion] = v;
  }
  /** The client's RNG state (int32, rng.ts). */
  get rng(): number {
    return this.narrowStore[this.narrowAt + Narrow.rng]!;
  }
  set rng(v: number) {
    this.narrowStore[this.narrowAt + Narrow.rng] = v;
  }
  get flags(): number {
    return this.narrowStore[this.narrowAt + Narrow.flags]!;
  }
  set flags(v: number) {
    this.narrowStore[this.narrowAt + Narrow.flags] = v;
  }
  /** Maintenance window index into config.maintenanceWindows; -1 none. */
  get window(): number {
    return this.narrowStore[this.narrowAt + Narrow.window]!;
  }
  set window(v: number) {
    this.narrowStore[this.narrowAt + Narrow.window] = v;
  }
  get pendingReason(): number {
    return this.narrowStore[this.narrowAt + Narrow.pendingReason]!;
  }
  set pendingReason(v: number) {
    this.narrowStore[this.narrowAt + Narrow.pendingReason] = v;
  }
  get activeReason(): number {
    return this.narrowStore[this.narrowAt + Narrow.activeReason]!;
  }
  set activeReason(v: number) {
    this.narrowStore[this.narrowAt + Narrow.activeReason] = v;
  }
  /** W-COOKIE recoveries within the scan in flight. */
  get faultRecoveries(): number {
    return this.narrowStore[this.narrowAt + Narrow.faultRecoveries]!;
  }
  set faultRecoveries(v: number) {
    this.narrowStore[this.narrowAt + Narrow.faultRecoveries] = v;
  }
  /** Failed scans in a row against the current SUP (T-SCANRETRY). */
  get scanFailures(): number {
    return this.narrowStore[this.narrowAt + Narrow.scanFailures]!;
  }
  set scanFailures(v: number) {
    this.narrowStore[this.narrowAt + Narrow.scanFailures] = v;
  }
  /** Prefix of the machine table the local metadata cache holds. */
  get cachedCount(): number {
    return this.narrowStore[this.narrowAt + Narrow.cachedCount]!;
  }
  set cachedCount(v: number) {
    this.narrowStore[this.narrowAt + Narrow.cachedCount] = v;
  }
  /** Prefix of the machine table with a detection state in `compliance`. */
  get evaluatedCount(): number {
    return this.narrowStore[this.narrowAt + Narrow.evaluatedCount]!;
  }
  set evaluatedCount(v: number) {
    this.narrowStore[this.narrowAt + Narrow.evaluatedCount] = v;
  }
  get supCount(): number {
    return this.narrowStore[this.narrowAt + Narrow.supCount]!;
  }
  set supCount(v: number) {
    this.narrowStore[this.narrowAt + Narrow.supCount] = v;
  }
  get supIndex(): number {
    return this.narrowStore[this.narrowAt + Narrow.supIndex]!;
  }
  set supIndex(v: number) {
    this.narrowStore[this.narrowAt + Narrow.supIndex] = v;
  }
  /** Last SUP a scan succeeded against; -1 none yet. */
  get supAffinity(): number {
    return this.narrowStore[this.narrowAt + Narrow.supAffinity]!;
  }
  set supAffinity(v: number) {
    this.narrowStore[this.narrowAt + Narrow.supAffinity] = v;
  }
  get deploymentsSeen(): number {
    return this.narrowStore[this.narrowAt + Narrow.deploymentsSeen]!;
  }
  set deploymentsSeen(v: number) {
    this.narrowStore[this.narrowAt + Narrow.deploymentsSeen] = v;
  }
  get enforceDeployment(): number {
    return this.narrowStore[this.narrowAt + Narrow.enforceDeployment]!;
  }
  set enforceDeployment(v: number) {
    this.narrowStore[this.narrowAt + Narrow.enforceDeployment] = v;
  }
  get phase(): PhaseCode {
    return this.narrowStore[this.narrowAt + Narrow.phase]! as PhaseCode;
  }
  set phase(v: PhaseCode) {
    this.narrowStore[this.narrowAt + Narrow.phase] = v;
  }
  get nextSerial(): number {
    return this.narrowStore[this.narrowAt + Narrow.nextSerial]!;
  }
  set nextSerial(v: number) {
    this.narrowStore[this.narrowAt + Narrow.nextSerial] = v;
  }
  /** Messages queued (500 + 402 flags in compliance, 300 + 301 flags in assignments, plus 501s). */
  get queued(): number {
    return this.narrowStore[this.narrowAt + Narrow.queued]!;
  }
  set queued(v: number) {
    this.narrowStore[this.narrowAt + Narrow.queued] = v;
  }
  get queued501(): number {
    return this.narrowStore[this.narrowAt + Narrow.queued501]!;
  }
  set queued501(v: number) {
    this.narrowStore[this.narrowAt + Narrow.queued501] = v;
  }
  /** Messages in the post in flight (to count losses). */
  get posting(): number {
    return this.narrowStore[this.narrowAt + Narrow.posting]!;
  }
  set posting(v: number) {
    this.narrowStore[this.narrowAt + Narrow.posting] = v;
  }
  /** Evaluated positions whose detection state is Required. */
  get requiredCount(): number {
    return this.narrowStore[this.narrowAt + Narrow.requiredCount]!;
  }
  set requiredCount(v: number) {
    this.narrowStore[this.narrowAt + Narrow.requiredCount] = v;
  }
  get last501State(): number {
    return this.narrowStore[this.narrowAt + Narrow.last501State]!;
  }
  set last501State(v: number) {
    this.narrowStore[this.narrowAt + Narrow.last501State] = v;
  }
  /** Topic-402 state of deployed updates still Required (downloading, downloaded, failed...). */
  get last402State(): number {
    return this.narrowStore[this.narrowAt + Narrow.last402State]!;
  }
  set last402State(v: number) {
    this.narrowStore[this.narrowAt + Narrow.last402State] = v;
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  set(flag: number, on = true): void {
    this.flags = on ? this.flags | flag : this.flags & ~flag;
  }
}

/** Creates client `index` (its numbers in `numbers` at `slot`): machine type and window drawn from its own RNG, then the start scenario. */
export function createClient(
  config: FleetConfig,
  catalog: FleetCatalog,
  index: number,
  numbers: ClientNumbers,
  slot: number,
): ClientState {
  const rng = { rng: clientRngSeed(config.seed, index) };
  const machine = pickWeighted(
    rng,
    config.machines.map((m) => m.weight),
  );
  const c = new ClientState(index, machine, rng.rng, numbers, slot);
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
