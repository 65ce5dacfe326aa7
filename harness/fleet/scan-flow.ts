// Scans: online or offline (S-TTL, S-ONLINE, S-FORCED, S-UNFORCED, S-FORCED-OFFLINE), the handshake an
// online scan needs (W-COLD, W-DELTA), fault recovery (W-COOKIE) and failure retries (T-SCANRETRY).
// The engine performs the online exchange (paging included, W-PAGE); this file decides and records.

import { ensureCapacity } from './compliance.ts';
import { type ClientState, Flag, SCAN_REASONS } from './client-state.ts';
import type { FleetContext } from './context.ts';
import { afterScan } from './enforcement.ts';
import { evaluateRange } from './evaluation.ts';
import { requestScan } from './scan-request.ts';
import { queueScanState, ScanState } from './state-messages.ts';
import type { FleetAction, ScanReason, ScanResult } from './vocabulary.ts';
import { recoveryFor, scanHandshake } from './wsus-recovery.ts';

/** S-UNFORCED: a non-forced scan contacts the SUP only outside the TTL, on a newer catalog or without a
 *  cache. S-FORCED: a forced scan always does. */
export function scanGoesOnline(ctx: FleetContext, c: ClientState, forced: boolean, now: number): boolean {
  if (forced || c.cachedCount === 0) return true;
  if (now - c.lastOnlineScanAt >= ctx.config.timers.scanTtlMs) return true;
  return c.policyCatalogVersion > c.cachedCatalogVersion;
}

/** Starts the pending scan (its due time has come and no scan is running). */
export function startPendingScan(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
  const reason = SCAN_REASONS[c.pendingReason] ?? 'schedule';
  const forced = c.has(Flag.PendingScanForced);
  if (!scanGoesOnline(ctx, c, forced, now)) {
    clearPending(c);
    offlineScan(ctx, c, now, reason, forced, out);
    return;
  }
  if (c.supCount === 0) {
    // No SUP list yet: ask the MP where WSUS is; the scan stays pending until the reply.
    if (!c.has(Flag.LocationInFlight)) {
      c.set(Flag.LocationInFlight);
      out.push({ kind: 'wsus-location' });
    }
    return;
  }
  clearPending(c);
  c.activeReason = c.pendingReason;
  c.set(Flag.ActiveScanForced, forced);
  c.faultRecoveries = 0;
  pushOnlineScan(c, now, false, out);
}

function clearPending(c: ClientState): void {
  c.scanDueAt = Infinity;
  c.set(Flag.PendingScanForced, false);
}

function pushOnlineScan(c: ClientState, now: number, repeat: boolean, out: FleetAction[]): void {
  const { cold, cookieRefresh, handshake } = scanHandshake(
    {
      configCached: c.has(Flag.WsusConfig),
      registered: c.has(Flag.SupRegistered),
      mustRegister: c.has(Flag.MustRegister),
      cookieExpiresAt: c.cookieExpiresAt,
      needsRefreshCache: c.has(Flag.NeedsRefreshCache),
      needsFileLocations: c.has(Flag.NeedsFileLocations),
      cachedCount: c.cachedCount,
    },
    now,
  );
  c.set(Flag.ScanInFlight);
  out.push({
    kind: 'scan',
    online: true,
    forced: c.has(Flag.ActiveScanForced),
    reason: SCAN_REASONS[c.activeReason] ?? 'schedule',
    cold,
    cookieRefresh,
    handshake,
    repeat,
    sup: c.supIndex,
    machine: c.machine,
    cachedCount: c.cachedCount,
  });
}

/** Evaluates on the local cache; nothing goes to the SUP. The action is a notice for counters. */
export function offlineScan(
  ctx: FleetContext,
  c: ClientState,
  now: number,
  reason: ScanReason,
  forced: boolean,
  out: FleetAction[],
): void {
  out.push({
    kind: 'scan',
    online: false,
    forced,
    reason,
    cold: false,
    cookieRefresh: false,
    handshake: [],
    repeat: false,
    sup: -1,
    machine: c.machine,
    cachedCount: c.cachedCount,
  });
  finishScan(ctx, c, now, out);
}

export function onScanResult(
  ctx: FleetContext,
  c: ClientState,
  result: ScanResult,
  now: number,
  out: FleetAction[],
): void {
  if (!c.has(Flag.ScanInFlight)) return; // a stale or duplicate result: nothing is waiting for it
  c.set(Flag.ScanInFlight, false);
  if (result.outcome === 'ok') {
    scanSucceeded(ctx, c, result.catalogVersion, result.evaluatedCount, result.cookieExpiresAt, now, out);
    return;
  }
  if (result.outcome === 'fault') {
    const recovery = recoveryFor(result.fault);
    if (recovery.action === 'repeat' && c.faultRecoveries < ctx.config.rules.maxFaultRecoveriesPerScan) {
      c.faultRecoveries++;
      if (recovery.dropConfig) c.set(Flag.WsusConfig, false);
      // A cookie obtained earlier in this scan stays valid unless the fault says otherwise.
      if (result.cookieExpiresAt !== undefined) c.cookieExpiresAt = result.cookieExpiresAt;
      if (recovery.dropCookie) c.cookieExpiresAt = 0;
      if (recovery.refreshCache) c.set(Flag.NeedsRefreshCache);
      if (recovery.fileLocations) c.set(Flag.NeedsFileLocations);
      c.set(Flag.MustRegister, recovery.register);
      if (result.fault === 'RegistrationNotRequired') c.set(Flag.SupRegistered);
      pushOnlineScan(c, now, true, out);
      return;
    }
  }
  scanFailed(ctx, c, now, out);
}

function scanSucceeded(
  ctx: FleetContext,
  c: ClientState,
  catalogVersion: number,
  evaluatedCount: number,
  cookieExpiresAt: number | undefined,
  now: number,
  out: FleetAction[],
): void {
  c.set(Flag.WsusConfig | Flag.SupRegistered);
  c.set(Flag.NeedsRefreshCache | Flag.NeedsFileLocations | Flag.MustRegister, false);
  c.cookieExpiresAt = cookieExpiresAt ?? now + ctx.config.timers.defaultCookieLifetimeMs;
  // S-TTL / S-FORCED: every successful online scan (forced or not) restarts the TTL.
  c.lastOnlineScanAt = now;
  c.cachedCatalogVersion = catalogVersion;
  c.cachedCount = Math.min(evaluatedCount, ctx.catalog.table(c.machine).length);
  c.scanFailures = 0;
  c.supAffinity = c.supIndex;
  finishScan(ctx, c, now, out);
}

/** T-SCANRETRY; S-UNFORCED: a non-forced scan that cannot reach the SUP evaluates on its cache. */
function scanFailed(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
  const t = ctx.config.timers;
  const forced = c.has(Flag.ActiveScanForced);
  c.scanFailures++;
  c.lastScanAt = now;
  queueScanState(c, ScanState.Failed);
  if (!forced && c.cachedCount > 0) {
    offlineScan(ctx, c, now, SCAN_REASONS[c.activeReason] ?? 'retry', false, out);
  }
  if (c.scanFailures > t.scanRetriesPerSup && c.supCount > 1) {
    switchSup(c);
    requestScan(c, now + t.supSwitchDelayMs, 'retry', forced);
  } else {
    requestScan(c, now + t.scanRetryMs, 'retry', forced);
  }
}

/** Retries exhausted against this SUP: the next one in the list; a new server means a full handshake. */
function switchSup(c: ClientState): void {
  c.supIndex = (c.supIndex + 1) % c.supCount;
  c.scanFailures = 0;
  c.cookieExpiresAt = 0;
  c.set(Flag.WsusConfig | Flag.SupRegistered, false);
}

/** A WSUS location request failed: the pending scan waits a retry interval. */
export function locationFailed(ctx: FleetContext, c: ClientState, now: number): void {
  c.scanFailures++;
  c.lastScanAt = now;
  queueScanState(c, ScanState.Failed);
  c.scanDueAt = now + ctx.config.timers.scanRetryMs;
}

export function onLocation(c: ClientState, supCount: number): void {
  c.supCount = Math.max(1, supCount);
  // Affinity: stay with the SUP that last worked when the new list still has it.
  if (c.supAffinity >= 0 && c.supAffinity < c.supCount) c.supIndex = c.supAffinity;
  else if (c.supIndex >= c.supCount) c.supIndex = 0;
}

/** Evaluation on the cache, then 501 and what the deployment in progress does next. */
function finishScan(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
  c.lastScanAt = now;
  evaluateCache(ctx, c);
  queueScanState(c, ScanState.Completed);
  afterScan(ctx, c, now, out);
}

/** M-FIRST: positions evaluated for the first time queue a 500 each; earlier ones changed only by
 *  installs, which queue their own. */
function evaluateCache(ctx: FleetContext, c: ClientState): void {
  const table = ctx.catalog.table(c.machine);
  const upTo = Math.min(c.cachedCount, table.length);
  if (upTo <= c.evaluatedCount) return;
  c.compliance = ensureCapacity(c.compliance, upTo);
  c.requiredCount += evaluateRange(ctx.config, table, c, c.compliance, c.evaluatedCount, upTo, true);
  c.queued += upTo - c.evaluatedCount;
  c.evaluatedCount = upTo;
}
