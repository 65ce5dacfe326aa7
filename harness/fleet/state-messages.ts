// M-TOPIC / M-SERIAL / M-BULK: turning a client's queued-message flags into one bulk report. Serial
// numbers are assigned when the report is cut, consecutively, so a client's serials never have a gap of
// its own making; a post the engine finally fails to deliver is a real gap the site must detect.

import type { MachineUpdateTable } from './catalog-view.ts';
import { clearQueued, detectionAt, has402Queued, has500Queued } from './compliance.ts';
import { type ClientState, Flag } from './client-state.ts';
import type { StateMessageBatch } from './vocabulary.ts';

export const Topic = { UpdateDetection: 500, UpdateSourceScan: 501, UpdateEnforcement: 402 } as const;
/** Topic 501 states used here. */
export const ScanState = { Running: 2, Completed: 3, Failed: 5 } as const;
/** Topic 402 states used here. */
export const EnforcementState = { PendingRestart: 9, Installed: 10 } as const;

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
  const enforcementState = c.has(Flag.PendingRestart)
    ? EnforcementState.PendingRestart
    : EnforcementState.Installed;
  for (let p = 0; p < c.evaluatedCount && n < capacity; p++) {
    if (has500Queued(c.compliance, p)) {
      topicType[n] = Topic.UpdateDetection;
      stateId[n] = detectionAt(c.compliance, p);
      update[n] = table.updateAt(p);
      time[n] = c.lastScanAt;
      n++;
    }
    if (has402Queued(c.compliance, p) && n < capacity) {
      topicType[n] = Topic.UpdateEnforcement;
      stateId[n] = enforcementState;
      update[n] = table.updateAt(p);
      time[n] = c.lastEnforceAt;
      n++;
    }
    clearQueued(c.compliance, p);
  }
  for (let i = 0; i < c.queued501 && n < capacity; i++) {
    topicType[n] = Topic.UpdateSourceScan;
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
