// Fleet gauges read by the metrics sink once per interval: one pass over the records, no per-client
// allocation. Cumulative counters live in counters.ts.

import { type ClientState, Flag, Phase } from './client-state.ts';

export type Activity =
  | 'inactive'
  | 'registering'
  | 'idle'
  | 'scanning'
  | 'scan-retry-wait'
  | 'downloading'
  | 'waiting-deadline'
  | 'waiting-window'
  | 'installing'
  | 'pending-restart'
  | 'restarting';

export function activityOf(c: ClientState): Activity {
  if (!c.has(Flag.Active)) return 'inactive';
  if (!c.has(Flag.MpRegistered)) return 'registering';
  if (c.has(Flag.ScanInFlight) || c.has(Flag.LocationInFlight)) return 'scanning';
  switch (c.phase) {
    case Phase.Downloading:
    case Phase.DownloadRetry:
      return 'downloading';
    case Phase.WaitingDeadline:
      return 'waiting-deadline';
    case Phase.WaitingWindow:
      return 'waiting-window';
    case Phase.Installing:
      return 'installing';
    case Phase.PendingRestart:
      return 'pending-restart';
    case Phase.Restarting:
      return 'restarting';
  }
  return c.scanFailures > 0 ? 'scan-retry-wait' : 'idle';
}

export interface FleetGauges {
  clients: number;
  byActivity: Record<Activity, number>;
  /** Clients that evaluated updates and have none Required / some Required / none evaluated yet. */
  compliant: number;
  nonCompliant: number;
  unknown: number;
  /** Evaluated updates in state Required, summed over clients. */
  requiredUpdates: number;
  /** State messages queued on clients (not yet cut into a post). */
  queuedStateMessages: number;
  /** Clients whose last online scan is within the TTL at `now` (their next non-forced scan is offline). */
  withinTtl: number;
}

export function emptyActivity(): Record<Activity, number> {
  return {
    inactive: 0,
    registering: 0,
    idle: 0,
    scanning: 0,
    'scan-retry-wait': 0,
    downloading: 0,
    'waiting-deadline': 0,
    'waiting-window': 0,
    installing: 0,
    'pending-restart': 0,
    restarting: 0,
  };
}

export function collectGauges(clients: readonly ClientState[], now: number, ttlMs: number): FleetGauges {
  const g: FleetGauges = {
    clients: clients.length,
    byActivity: emptyActivity(),
    compliant: 0,
    nonCompliant: 0,
    unknown: 0,
    requiredUpdates: 0,
    queuedStateMessages: 0,
    withinTtl: 0,
  };
  for (const c of clients) {
    g.byActivity[activityOf(c)]++;
    if (c.evaluatedCount === 0) g.unknown++;
    else if (c.requiredCount > 0) g.nonCompliant++;
    else g.compliant++;
    g.requiredUpdates += c.requiredCount;
    g.queuedStateMessages += c.queued + c.queued501;
    if (now - c.lastOnlineScanAt < ttlMs) g.withinTtl++;
  }
  return g;
}
