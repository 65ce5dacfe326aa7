// Deployments on one client: D-POLICY (a new deployment triggers a rescan, handled by the machine),
// D-REQUIRED (download only the applicable files, at once for required deployments), T-DEADLINE
// (randomised deadline start, rescan, install), D-MW (wait for a big enough window) and D-INSTALL
// (install, forced offline scan, 402 + 500 messages, pending restart, restart, another offline scan).
// One deployment is enforced at a time, lowest index first.

import { Detection, detectionAt, setDetection } from './compliance.ts';
import { type ClientState, Flag, Phase, queueDetection, queueEnforcement } from './client-state.ts';
import type { FleetContext } from './context.ts';
import { nextInstallStart } from './maintenance-window.ts';
import { nextDelay } from './rng.ts';
import { requestScan } from './scan-request.ts';
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

/** Called after every scan, online or offline. */
export function afterScan(ctx: FleetContext, c: ClientState, now: number, out: FleetAction[]): void {
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
    startDownload(ctx, c, out);
    return;
  }
}

/** D-REQUIRED: an available deployment starts only when the user asks. */
export function userInstall(ctx: FleetContext, c: ClientState, d: number, out: FleetAction[]): void {
  if (c.phase !== Phase.Idle || c.has(Flag.PendingRestart) || d >= c.deploymentsSeen) return;
  if (ctx.catalog.deployments[d]?.kind !== 'available') return;
  if (requiredPositions(ctx, c, d).length === 0) return;
  c.enforceDeployment = d;
  startDownload(ctx, c, out);
}

export function startDownload(ctx: FleetContext, c: ClientState, out: FleetAction[]): void {
  const positions = requiredPositions(ctx, c, c.enforceDeployment);
  if (positions.length === 0) {
    becomeIdle(c);
    return;
  }
  c.phase = Phase.Downloading;
  c.phaseAt = Infinity;
  c.set(Flag.DownloadInFlight);
  out.push({ kind: 'download', deployment: c.enforceDeployment, updates: globalsOf(ctx, c, positions) });
}

export function onDownloadResult(ctx: FleetContext, c: ClientState, ok: boolean, now: number): void {
  if (!c.has(Flag.DownloadInFlight)) return;
  c.set(Flag.DownloadInFlight, false);
  if (c.phase !== Phase.Downloading) return;
  if (!ok) {
    c.phase = Phase.DownloadRetry;
    c.phaseAt = now + ctx.config.timers.downloadRetryMs;
    return;
  }
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
  let restart = false;
  for (const p of requiredPositions(ctx, c, c.enforceDeployment)) {
    setDetection(c.compliance, p, Detection.Installed);
    c.requiredCount--;
    queueDetection(c, p);
    queueEnforcement(c, p);
    if (table.needsRestartAt(p)) restart = true;
  }
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
