// Cumulative fleet counters, derived from the actions a step returned and the event it consumed, so the
// state machine itself keeps no statistics. A repeated scan call after a fault recovery is the same
// scan: it counts as a repeat, not as another scan.

import type { FleetAction, FleetEvent, ScanReason } from './vocabulary.ts';

export interface FleetCounters {
  registrations: number;
  policyPolls: number;
  wsusLocations: number;
  scansOnline: number;
  scansOffline: number;
  scansForced: number;
  scansUnforced: number;
  coldScans: number;
  cookieRefreshes: number;
  scanRepeats: number;
  scansByReason: Partial<Record<ScanReason, number>>;
  /** Scan results by fault code / failure name. */
  scanFaults: Record<string, number>;
  scanFailures: Record<string, number>;
  supSwitches: number;
  posts: number;
  stateMessagesPosted: number;
  /** Messages in posts the engine reported undeliverable (the site sees them as serial gaps). */
  stateMessagesLost: number;
  downloads: number;
  downloadsFailed: number;
  installs: number;
  updatesInstalled: number;
  restarts: number;
}

export function emptyCounters(): FleetCounters {
  return {
    registrations: 0,
    policyPolls: 0,
    wsusLocations: 0,
    scansOnline: 0,
    scansOffline: 0,
    scansForced: 0,
    scansUnforced: 0,
    coldScans: 0,
    cookieRefreshes: 0,
    scanRepeats: 0,
    scansByReason: {},
    scanFaults: {},
    scanFailures: {},
    supSwitches: 0,
    posts: 0,
    stateMessagesPosted: 0,
    stateMessagesLost: 0,
    downloads: 0,
    downloadsFailed: 0,
    installs: 0,
    updatesInstalled: 0,
    restarts: 0,
  };
}

/** `postingBefore`: messages the client had in flight before the step (for lost-message counting). */
export function countEvent(k: FleetCounters, e: FleetEvent, postingBefore: number): void {
  if (e.kind === 'scan-result') {
    if (e.outcome === 'fault') k.scanFaults[e.fault] = (k.scanFaults[e.fault] ?? 0) + 1;
    else if (e.outcome === 'failed') k.scanFailures[e.failure] = (k.scanFailures[e.failure] ?? 0) + 1;
  } else if (e.kind === 'post-result' && !e.ok) {
    k.stateMessagesLost += postingBefore;
  } else if (e.kind === 'download-result' && !e.ok) {
    k.downloadsFailed++;
  }
}

export function countActions(k: FleetCounters, actions: readonly FleetAction[]): void {
  for (const a of actions) {
    switch (a.kind) {
      case 'register':
        k.registrations++;
        break;
      case 'policy-poll':
        k.policyPolls++;
        break;
      case 'wsus-location':
        k.wsusLocations++;
        break;
      case 'scan':
        if (a.cookieRefresh) k.cookieRefreshes++;
        if (a.repeat) {
          k.scanRepeats++;
          break;
        }
        if (a.online) k.scansOnline++;
        else k.scansOffline++;
        if (a.forced) k.scansForced++;
        else k.scansUnforced++;
        if (a.cold) k.coldScans++;
        k.scansByReason[a.reason] = (k.scansByReason[a.reason] ?? 0) + 1;
        break;
      case 'post-state-messages':
        k.posts++;
        k.stateMessagesPosted += a.batch.count;
        break;
      case 'download':
        k.downloads++;
        break;
      case 'install':
        k.installs++;
        k.updatesInstalled += a.updates.length;
        break;
      case 'restart':
        k.restarts++;
        break;
    }
  }
}
