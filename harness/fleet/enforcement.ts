// Deployments on one client: D-POLICY (a new deployment triggers a rescan, handled by the machine),
// D-REQUIRED (download only the applicable files, at once for required deployments), T-DEADLINE
// (randomised deadline start, rescan, install), D-MW (wait for a big enough window) and D-INSTALL
// (install, forced offline scan, 402 + 500 messages, pending restart, restart, another offline scan).
// One deployment is enforced at a time, lowest index first.
//
// M-TOPIC: every step is reported the way a ConfigMgr client does: topic 402 per deployed update
// (12 downloading, 13 downloaded, 14 download failed, 11 failed, 9 pending restart, 10 installed), topic
// 301 for the deployment (7 downloading, 8 downloaded, 9 download failed, 6 failed install, 5 pending
// restart, 4 success) and topic 300 whenever the deployment's compliance changes after a scan.

import {
  AssignmentCompliance,
  AssignmentEnforcement,
  queueAssignmentCompliance,
  queueAssignmentEnforcement,
} from './assignment-state.ts';
import { Detection, detectionAt, setDetection } from './compliance.ts';
import { type ClientState, Flag, Phase, queueDetection, queueEnforcement } from './client-state.ts';
import type { FleetContext } from './context.ts';
import { nextInstallStart } from './maintenance-window.ts';
import { nextDelay, nextUnit } from './rng.ts';
import { requestScan } from './scan-request.ts';
import { EnforcementState } from './state-messages.ts';
import type { FleetAction } from './vocabulary.ts';

/** Machine-table positions of deployment `d` that this client evaluated as Required. */
export function requiredPositions(ctx: FleetContext, c: ClientState, d: number): number[] {
  const deployment = ctx.catalog.deployments[d];
  if (!deployment) return [];
  const table = ctx.catalog.table(c.machine);
  const positions: number[] = [];
  for (const update of deployment.updates) {
    const p = table.positionOf(update);
    if (p !== undefined && p < c.evaluatedCount && detectionAt(c.compliance, p) === Detection.Required) {
      positions.push(p);
    }
  }
  return positions;
}

function globalsOf(ctx: FleetContext, c: ClientState, positions: number[]): number[] {
  const table = ctx.catalog.table(c.machine);
  return positions.map((p) => table.updateAt(p));
}

/** True when deployment `d` has an update this client evaluated as Required (no allocation). */
function hasRequired(ctx: FleetContext, c: ClientState, d: number): boolean {
  const deployment = ctx.catalog.deployments[d];
  if (!deployment) return false;
  const table = ctx.catalog.table(c.machine);
  for (const update of deployment.updates) {
    const p = table.positionOf(update);
    if (p !== undefined && p < c.evaluatedCount && detectionAt(c.compliance, p) === Detection.Required) {
      return true;
    }
  }
  return false;
}

/**
 * Topic 300 after a scan: a deployment is compliant when none of its updates is Required here and its
 * install is not waiting for a restart. Queued only when the state changed (assignment-state.ts).
 */
function evaluateAssignments(ctx: FleetContext, c: ClientState, now: number): void {
  for (let d = 0; d < c.deploymentsSeen; d++) {
    const deployment = ctx.catalog.deployments[d];
    if (!deployment || deployment.startTime > now) continue;
    const waitingRestart = c.has(Flag.PendingRestart) && c.enforceDeployment === d;
    const compliant = !waitingRestart && !hasRequired(ctx, c, d);
    queueAssignmentCompliance(
      c,
      d,
      compliant ? AssignmentCompliance.Compliant : AssignmentCompliance.NonCompliant,
    );
  }
}

/** 402 for each position (the state of deployed updates still Required) and 301 for the deployment. */
function reportEnforcement(
  c: ClientState,
  positions: readonly number[],
  updateState: number,
  deploymentState: number,
  now: number,
): void {
  c.last402State = updateState;
  for (const p of positions) queueEnforcement(c, p);
  queueAssignmentEnforcement(c, c.enforceDeployment, deploymentState);
  c.lastEnforceAt = now;
}

/** Called after every scan, online or offline. */
export function afterScan(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
  evaluateAssignments(ctx, c, now);
  if (c.phase === Phase.PreInstallScan) {
    waitForWindow(ctx, c, now);
    return;
  }
  if (c.phase !== Phase.Idle || c.has(Flag.PendingRestart)) return;
  for (let d = 0; d < c.deploymentsSeen; d++) {
    const deployment = ctx.catalog.deployments[d];
    if (deployment?.kind !== 'required' || deployment.startTime > now) continue;
    if (requiredPositions(ctx, c, d).length === 0) continue;
    c.enforceDeployment = d;
    startDownload(ctx, c, now, out);
    return;
  }
}

/** D-REQUIRED: an available deployment starts only when the user asks. */
export function userInstall(
  ctx: FleetContext,
  c: ClientState,
  d: number,
  now: number,
  out: FleetAction[],
): void {
  if (c.phase !== Phase.Idle || c.has(Flag.PendingRestart) || d >= c.deploymentsSeen) return;
  if (ctx.catalog.deployments[d]?.kind !== 'available') return;
  if (requiredPositions(ctx, c, d).length === 0) return;
  c.enforceDeployment = d;
  startDownload(ctx, c, now, out);
}

export function startDownload(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
  const positions = requiredPositions(ctx, c, c.enforceDeployment);
  if (positions.length === 0) {
    becomeIdle(c);
    return;
  }
  reportEnforcement(c, positions, EnforcementState.Downloading, AssignmentEnforcement.Downloading, now);
  c.phase = Phase.Downloading;
  c.phaseAt = Infinity;
  c.set(Flag.DownloadInFlight);
  out.push({ kind: 'download', deployment: c.enforceDeployment, updates: globalsOf(ctx, c, positions) });
}

export function onDownloadResult(ctx: FleetContext, c: ClientState, ok: boolean, now: number): void {
  if (!c.has(Flag.DownloadInFlight)) return;
  c.set(Flag.DownloadInFlight, false);
  if (c.phase !== Phase.Downloading) return;
  const positions = requiredPositions(ctx, c, c.enforceDeployment);
  if (!ok) {
    reportEnforcement(
      c,
      positions,
      EnforcementState.DownloadFailed,
      AssignmentEnforcement.DownloadFailed,
      now,
    );
    c.phase = Phase.DownloadRetry;
    c.phaseAt = now + ctx.config.timers.downloadRetryMs;
    return;
  }
  reportEnforcement(c, positions, EnforcementState.Downloaded, AssignmentEnforcement.Downloaded, now);
  const deployment = ctx.catalog.deployments[c.enforceDeployment];
  if (deployment?.kind === 'required') {
    // T-DEADLINE: the deadline start is randomised per client (unless the profile sets 0).
    const deadline = (deployment.deadline ?? now) + nextDelay(c, ctx.config.timers.deadlineRandomMs);
    c.phase = Phase.WaitingDeadline;
    c.phaseAt = Math.max(now, deadline);
  } else {
    c.phase = Phase.PreInstallScan;
    c.phaseAt = Infinity;
    requestScan(c, now, 'user-install', false);
  }
}

/** Deadline reached: rescan before installing (non-forced; forced online in the 2007 variant). */
export function deadlineReached(ctx: FleetContext, c: ClientState, now: number): void {
  c.phase = Phase.PreInstallScan;
  c.phaseAt = Infinity;
  requestScan(c, now, 'deadline', ctx.config.rules.deadlineScanForced);
}

function waitForWindow(ctx: FleetContext, c: ClientState, now: number): void {
  const t = ctx.config.timers;
  const window = c.window >= 0 ? ctx.config.maintenanceWindows[c.window] : undefined;
  c.phase = Phase.WaitingWindow;
  c.phaseAt = nextInstallStart(window, now, t.maxRunTimeMs + t.maintenanceWindowMarginMs);
}

export function startInstall(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
  const positions = requiredPositions(ctx, c, c.enforceDeployment);
  if (positions.length === 0) {
    becomeIdle(c);
    return;
  }
  const durationMs = positions.length * ctx.config.timers.installMsPerUpdate;
  c.phase = Phase.Installing;
  c.phaseAt = now + durationMs;
  out.push({
    kind: 'install',
    deployment: c.enforceDeployment,
    updates: globalsOf(ctx, c, positions),
    durationMs,
  });
}

export function finishInstall(ctx: FleetContext, c: ClientState, now: number): void {
  const table = ctx.catalog.table(c.machine);
  const positions = requiredPositions(ctx, c, c.enforceDeployment);
  const rate = ctx.config.installFailureRate;
  if (rate > 0 && nextUnit(c) < rate) {
    // The updates stay Required (no 500 change); 402 failed and 301 failed install go out at once.
    reportEnforcement(c, positions, EnforcementState.Failed, AssignmentEnforcement.FailedInstall, now);
    c.earlyFlushAt = Math.min(c.earlyFlushAt, now + ctx.config.timers.postInstallReportMs);
    becomeIdle(c);
    return;
  }
  let restart = false;
  for (const p of positions) {
    setDetection(c.compliance, p, Detection.Installed);
    c.requiredCount--;
    queueDetection(c, p);
    queueEnforcement(c, p);
    if (table.needsRestartAt(p)) restart = true;
  }
  queueAssignmentEnforcement(
    c,
    c.enforceDeployment,
    restart ? AssignmentEnforcement.PendingRestart : AssignmentEnforcement.Success,
  );
  c.lastEnforceAt = now;
  c.earlyFlushAt = Math.min(c.earlyFlushAt, now + ctx.config.timers.postInstallReportMs);
  c.set(Flag.OfflineScanAfterInstall);
  if (restart) {
    c.set(Flag.PendingRestart);
    c.phase = Phase.PendingRestart;
    c.phaseAt = now + ctx.config.timers.restartCountdownMs;
  } else {
    becomeIdle(c);
  }
}

export function startRestart(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
  const durationMs = ctx.config.timers.restartMs;
  c.phase = Phase.Restarting;
  c.phaseAt = now + durationMs;
  out.push({ kind: 'restart', durationMs });
}

/** After the restart the enforcement state becomes Installed (402) for the deployment's updates. */
export function finishRestart(ctx: FleetContext, c: ClientState, now: number): void {
  const deployment = ctx.catalog.deployments[c.enforceDeployment];
  const table = ctx.catalog.table(c.machine);
  for (const update of deployment?.updates ?? []) {
    const p = table.positionOf(update);
    if (p !== undefined && p < c.evaluatedCount && detectionAt(c.compliance, p) === Detection.Installed) {
      queueEnforcement(c, p);
    }
  }
  queueAssignmentEnforcement(c, c.enforceDeployment, AssignmentEnforcement.Success);
  c.set(Flag.PendingRestart, false);
  c.lastEnforceAt = now;
  c.earlyFlushAt = Math.min(c.earlyFlushAt, now + ctx.config.timers.postInstallReportMs);
  c.set(Flag.OfflineScanAfterRestart);
  becomeIdle(c);
}

function becomeIdle(c: ClientState): void {
  c.phase = Phase.Idle;
  c.phaseAt = Infinity;
  c.enforceDeployment = -1;
}
