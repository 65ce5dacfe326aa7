// The client state machine: (record, event, now) -> (actions, next wake-up). No I/O, no wall clock, no
// timers: the record is updated in place (no copies at 100,000 clients) and that is the only effect.
// Each step first applies the event, then runs every timer that is due at `now`, then reports the
// earliest time anything is due again.

import { type ClientState, Flag, Phase } from './client-state.ts';
import { effectiveScanScheduleMs } from './config.ts';
import type { FleetContext } from './context.ts';
import {
  deadlineReached,
  finishInstall,
  finishRestart,
  onDownloadResult,
  startDownload,
  startInstall,
  startRestart,
  userInstall,
} from './enforcement.ts';
import { nextDelay } from './rng.ts';
import { locationFailed, offlineScan, onLocation, onScanResult, startPendingScan } from './scan-flow.ts';
import { requestScan } from './scan-request.ts';
import { cutBatch } from './state-messages.ts';
import type { FleetAction, FleetEvent, StepResult } from './vocabulary.ts';

/** Enough rounds for the longest same-instant chain (scan -> install window -> install ...). */
const MAX_ROUNDS = 8;

export function stepClient(ctx: FleetContext, c: ClientState, event: FleetEvent, now: number): StepResult {
  const out: FleetAction[] = [];
  applyEvent(ctx, c, event, now, out);
  runDue(ctx, c, now, out);
  return { actions: out, wakeAt: nextWake(c) };
}

function applyEvent(ctx: FleetContext, c: ClientState, e: FleetEvent, now: number, out: FleetAction[]): void {
  const t = ctx.config.timers;
  switch (e.kind) {
    case 'wake':
      return;
    case 'register-result':
      if (!c.has(Flag.RegisterInFlight)) return;
      c.set(Flag.RegisterInFlight, false);
      if (e.ok) {
        c.set(Flag.MpRegistered);
        c.nextPollAt = now + t.registrationWaitMs; // T-REGWAIT
      } else {
        c.activateAt = now + t.policyPollMs;
      }
      return;
    case 'policy-result':
      c.set(Flag.PollInFlight, false);
      if (e.ok) onPolicy(ctx, c, e.softwareUpdatesEnabled, e.catalogVersion, e.deploymentCount, now);
      return;
    case 'wsus-location-result':
      if (!c.has(Flag.LocationInFlight)) return;
      c.set(Flag.LocationInFlight, false);
      if (e.ok) onLocation(c, e.supCount);
      else locationFailed(ctx, c, now);
      return;
    case 'scan-result':
      onScanResult(ctx, c, e, now, out);
      return;
    case 'post-result':
      c.set(Flag.PostInFlight, false);
      c.posting = 0;
      return;
    case 'download-result':
      onDownloadResult(ctx, c, e.ok, now);
      return;
    case 'force-scan':
      if (c.has(Flag.UpdatesEnabled)) requestScan(c, now, 'forced', true);
      return;
    case 'user-install':
      userInstall(ctx, c, e.deployment, now, out);
      return;
  }
}

/** T-FIRSTSCAN, T-SCANSCHED and T-REEVAL start with the enabling policy; D-POLICY on new deployments. */
function onPolicy(
  ctx: FleetContext,
  c: ClientState,
  enabled: boolean,
  catalogVersion: number,
  deploymentCount: number,
  now: number,
): void {
  const t = ctx.config.timers;
  if (enabled && !c.has(Flag.UpdatesEnabled)) {
    c.set(Flag.UpdatesEnabled);
    c.policyCatalogVersion = catalogVersion;
    requestScan(c, now + nextDelay(c, t.firstScanWindowMs), 'first', false);
    c.scheduleNominalAt = now + effectiveScanScheduleMs(t);
    c.scheduleDueAt = c.scheduleNominalAt + nextDelay(c, t.scanScheduleRandomMs);
    c.reevalAt = now + t.reevaluationMs;
  } else if (c.has(Flag.UpdatesEnabled) && catalogVersion > c.policyCatalogVersion) {
    c.policyCatalogVersion = catalogVersion;
    requestScan(c, now + nextDelay(c, t.firstScanWindowMs), 'catalog', false);
  }
  const seen = Math.min(deploymentCount, ctx.catalog.deployments.length);
  if (seen > c.deploymentsSeen) {
    c.deploymentsSeen = seen;
    if (c.has(Flag.UpdatesEnabled)) requestScan(c, now, 'deployment', false);
  }
}

function runDue(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
  const t = ctx.config.timers;
  if (!c.has(Flag.Active)) {
    if (c.activateAt > now) return;
    c.set(Flag.Active);
    c.flushAt = now + nextDelay(c, t.stateMessageCycleMs);
    // Warm clients are registered: their polls start at a random phase. Fresh ones register first.
    if (c.has(Flag.MpRegistered)) c.nextPollAt = now + nextDelay(c, t.policyPollMs);
  }
  if (!c.has(Flag.MpRegistered)) {
    if (!c.has(Flag.RegisterInFlight) && c.activateAt <= now) {
      c.set(Flag.RegisterInFlight);
      out.push({ kind: 'register' });
    }
    return;
  }
  if (c.nextPollAt <= now) {
    if (!c.has(Flag.PollInFlight)) {
      c.set(Flag.PollInFlight);
      out.push({ kind: 'policy-poll' });
    }
    // T-POLL: the first poll follows registration; from then on the client keeps its own random phase.
    if (c.has(Flag.Polled)) c.nextPollAt = nextPeriodic(c.nextPollAt, t.policyPollMs, now);
    else c.nextPollAt = now + 1 + nextDelay(c, t.policyPollMs);
    c.set(Flag.Polled);
  }
  if (c.has(Flag.UpdatesEnabled)) {
    if (c.scheduleDueAt <= now) {
      requestScan(c, now, 'schedule', ctx.config.rules.scheduleScanForced);
      c.scheduleNominalAt = nextPeriodic(c.scheduleNominalAt, effectiveScanScheduleMs(t), now);
      c.scheduleDueAt = c.scheduleNominalAt + nextDelay(c, t.scanScheduleRandomMs);
    }
    if (c.reevalAt <= now) {
      requestScan(c, now, 'reevaluation', false);
      c.reevalAt = nextPeriodic(c.reevalAt, t.reevaluationMs, now);
    }
  }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (!runPhaseAndScans(ctx, c, now, out)) break;
  }
  if (c.flushAt <= now) {
    flush(ctx, c, out);
    c.flushAt = nextPeriodic(c.flushAt, t.stateMessageCycleMs, now);
  }
  if (c.earlyFlushAt <= now) {
    flush(ctx, c, out); // T-POSTINSTALL
    c.earlyFlushAt = Infinity;
  }
}

/** One round of deployment-phase timers and scans; true when something happened. */
function runPhaseAndScans(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): boolean {
  let acted = false;
  if (c.phaseAt <= now) {
    acted = true;
    switch (c.phase) {
      case Phase.DownloadRetry:
        startDownload(ctx, c, now, out);
        break;
      case Phase.WaitingDeadline:
        deadlineReached(ctx, c, now);
        break;
      case Phase.WaitingWindow:
        startInstall(ctx, c, now, out);
        break;
      case Phase.Installing:
        finishInstall(ctx, c, now);
        break;
      case Phase.PendingRestart:
        startRestart(ctx, c, now, out);
        break;
      case Phase.Restarting:
        finishRestart(ctx, c, now);
        break;
      default:
        c.phaseAt = Infinity;
    }
  }
  // S-FORCED-OFFLINE: local scans owed after an install or a restart run at once.
  if (c.has(Flag.OfflineScanAfterInstall)) {
    c.set(Flag.OfflineScanAfterInstall, false);
    offlineScan(ctx, c, now, 'post-install', true, out);
    acted = true;
  }
  if (c.has(Flag.OfflineScanAfterRestart)) {
    c.set(Flag.OfflineScanAfterRestart, false);
    offlineScan(ctx, c, now, 'post-restart', true, out);
    acted = true;
  }
  if (c.scanDueAt <= now && !c.has(Flag.ScanInFlight) && !c.has(Flag.LocationInFlight)) {
    const before = out.length;
    startPendingScan(ctx, c, now, out);
    acted = acted || out.length > before;
  }
  return acted;
}

/** T-STATEMSG / M-BULK: everything queued leaves in one post; none while the previous one is in flight. */
function flush(ctx: FleetContext, c: ClientState, out: FleetAction[]): void {
  if (c.queued + c.queued501 === 0 || c.has(Flag.PostInFlight)) return;
  const batch = cutBatch(c, ctx.catalog.table(c.machine));
  c.set(Flag.PostInFlight);
  c.posting = batch.count;
  out.push({ kind: 'post-state-messages', batch });
}

/** Next occurrence of a periodic timer after `now`, keeping its phase (missed periods are skipped). */
function nextPeriodic(at: number, period: number, now: number): number {
  if (at > now) return at;
  return at + (Math.floor((now - at) / period) + 1) * period;
}

/** Earliest virtual time anything is due; Infinity when the client waits only for results. */
export function nextWake(c: ClientState): number {
  if (!c.has(Flag.Active)) return c.activateAt;
  if (!c.has(Flag.MpRegistered)) return c.has(Flag.RegisterInFlight) ? Infinity : c.activateAt;
  let at = Math.min(c.nextPollAt, c.earlyFlushAt, c.phaseAt);
  // An empty queue needs no wake-up per reporting cycle; flushAt keeps the cycle's phase for later.
  if (c.queued + c.queued501 > 0) at = Math.min(at, c.flushAt);
  if (c.has(Flag.UpdatesEnabled)) at = Math.min(at, c.scheduleDueAt, c.reevalAt);
  if (!c.has(Flag.ScanInFlight) && !c.has(Flag.LocationInFlight)) at = Math.min(at, c.scanDueAt);
  return at;
}
