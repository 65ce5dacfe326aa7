// D-MW: an install may start only inside a maintenance window with at least `neededMs` of it left
// (max run time + 15 min). Windows recur every periodMs, opening offsetMs after each multiple of periodMs
// on the virtual epoch (a daily 02:00 UTC window: periodMs 1 day, offsetMs 2 h).

import type { MaintenanceWindowSpec } from './config.ts';

/** Earliest time >= now an install needing `neededMs` may start; Infinity when no window is big enough. */
export function nextInstallStart(
  window: MaintenanceWindowSpec | undefined,
  now: number,
  neededMs: number,
): number {
  if (!window) return now;
  if (window.durationMs < neededMs) return Infinity;
  const k = Math.floor((now - window.offsetMs) / window.periodMs);
  const opens = window.offsetMs + k * window.periodMs;
  if (now - opens <= window.durationMs - neededMs) return now;
  return opens + window.periodMs;
}
