// M-TOPIC / M-SERIAL / M-BULK: turning a client's queued-message flags into one bulk report. Serial
// numbers are assigned when the report is cut, consecutively, so a client's serials never have a gap of
// its own making; a post the engine finally fails to deliver is a real gap the site must detect.
//
// Order inside a report: per deployment its 300 (compliance) before its 301 (enforcement), then per
// update its 500 and 402, then 501. A client re-reports 300 only when it changes, and a 301 queued in
// the same cycle is at least as recent, so the site can let the higher serial win.

import { CiEnforcementState, TopicType, UpdateSourceScanState } from '../../protocol/mp/state-codes.ts';
import {
  clearAssignmentQueued,
  complianceStateOf,
  enforcementStateOf,
  has300Queued,
  has301Queued,
} from './assignment-state.ts';
import type { MachineUpdateTable } from './catalog-view.ts';
import { clearQueued, Detection, detectionAt, has402Queued, has500Queued } from './compliance.ts';
import { type ClientState, Flag } from './client-state.ts';
import type { StateMessageBatch } from './vocabulary.ts';

/** Topic types the client model sends (protocol/mp state-codes are the one home of the numbers). */
export const Topic = {
  AssignmentCompliance: TopicType.SumAssignmentCompliance,
  AssignmentEnforcement: TopicType.SumAssignmentEnforcement,
  UpdateEnforcement: TopicType.SumCiEnforcement,
  UpdateDetection: TopicType.SumUpdateDetection,
  UpdateSourceScan: TopicType.SumUpdateSourceScan,
} as const;
/** Topic 501 states used here. */
export const ScanState = {
  Running: UpdateSourceScanState.Running,
  Completed: UpdateSourceScanState.Completed,
  Failed: UpdateSourceScanState.Failed,
} as const;
/** Topic 402 states used here (protocol-reference §2.6). */
export const EnforcementState = {
  PendingRestart: CiEnforcementState.PendingRestart,
  Installed: CiEnforcementState.Installed,
  Failed: CiEnforcementState.Failed,
  Downloading: CiEnforcementState.Downloading,
  Downloaded: CiEnforcementState.Downloaded,
  DownloadFailed: CiEnforcementState.DownloadFailed,
} as const;

// Read imported bindings once (transpilers turn each access into a getter call in the hot loop).
const T300: number = Topic.AssignmentCompliance;
const T301: number = Topic.AssignmentEnforcement;
const T402: number = Topic.UpdateEnforcement;
const T500: number = Topic.UpdateDetection;
const T501: number = Topic.UpdateSourceScan;
const INSTALLED: number = Detection.Installed;

export function queueScanState(c: ClientState, state: number): void {
  c.queued501++;
  c.last501State = state;
}

/** Cuts every queued message into a batch, clears the queue and advances the serial counter. */
export function cutBatch(c: ClientState, table: MachineUpdateTable): StateMessageBatch {
  const capacity = c.queued + c.queued501;
  const topicType = new Uint16Array(capacity);
  const stateId = new Uint8Array(capacity);
  const update = new Int32Array(capacity);
  const time = new Float64Array(capacity);
  let n = 0;
  for (let d = 0; d < c.assignments.length && n < capacity; d++) {
    if (has300Queued(c, d)) {
      topicType[n] = T300;
      stateId[n] = complianceStateOf(c, d);
      update[n] = d;
      time[n] = c.lastScanAt;
      n++;
    }
    if (has301Queued(c, d) && n < capacity) {
      topicType[n] = T301;
      stateId[n] = enforcementStateOf(c, d);
      update[n] = d;
      time[n] = c.lastEnforceAt;
      n++;
    }
    clearAssignmentQueued(c, d);
  }
  // 402 of an installed update: pending restart until the restart, then installed; of a still required
  // one: where its download or install stands (downloading, downloaded, failed).
  const installedState = c.has(Flag.PendingRestart)
    ? EnforcementState.PendingRestart
    : EnforcementState.Installed;
  for (let p = 0; p < c.evaluatedCount && n < capacity; p++) {
    if (has500Queued(c.compliance, p)) {
      topicType[n] = T500;
      stateId[n] = detectionAt(c.compliance, p);
      update[n] = table.updateAt(p);
      time[n] = c.lastScanAt;
      n++;
    }
    if (has402Queued(c.compliance, p) && n < capacity) {
      topicType[n] = T402;
      stateId[n] = detectionAt(c.compliance, p) === INSTALLED ? installedState : c.last402State;
      update[n] = table.updateAt(p);
      time[n] = c.lastEnforceAt;
      n++;
    }
    clearQueued(c.compliance, p);
  }
  for (let i = 0; i < c.queued501 && n < capacity; i++) {
    topicType[n] = T501;
    stateId[n] = c.last501State;
    update[n] = -1;
    time[n] = c.lastScanAt;
    n++;
  }
  const batch: StateMessageBatch = {
    firstSerial: c.nextSerial,
    count: n,
    topicType: topicType.subarray(0, n),
    stateId: stateId.subarray(0, n),
    update: update.subarray(0, n),
    time: time.subarray(0, n),
  };
  c.nextSerial += n;
  c.queued = 0;
  c.queued501 = 0;
  return batch;
}
