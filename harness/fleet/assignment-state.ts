// Per-client state of each deployment (CI assignment) as the client last reported it with topics 300
// (assignment compliance) and 301 (assignment enforcement), one byte per deployment index:
// bits 0-3 the 301 state (0 = none yet), bits 4-5 the 300 state (0 = none yet), bit 6 "a 301 is
// queued", bit 7 "a 300 is queued". Flags like compliance.ts: a state that changes twice before a
// report is sent goes out once (the latest), and the queue is bounded by the number of deployments.
//
// A client that never saw a deployment keeps the shared empty array (no allocation per idle client).

import { AssignmentComplianceState, AssignmentEnforcementState } from '../../protocol/mp/state-codes.ts';
import { allocateBytes } from './byte-arena.ts';
import { EMPTY_NIBBLES } from './compliance.ts';

const ENFORCEMENT_BITS = 0x0f;
const COMPLIANCE_SHIFT = 4;
const COMPLIANCE_BITS = 0x30;
const QUEUED_301 = 0x40;
const QUEUED_300 = 0x80;

/** Topic-301 states this client model reports. */
export const AssignmentEnforcement = {
  Downloading: AssignmentEnforcementState.Downloading,
  Downloaded: AssignmentEnforcementState.Downloaded,
  DownloadFailed: AssignmentEnforcementState.DownloadFailed,
  Success: AssignmentEnforcementState.Success,
  PendingRestart: AssignmentEnforcementState.PendingRestart,
  FailedInstall: AssignmentEnforcementState.FailedInstall,
} as const;

/** Topic-300 states this client model reports. */
export const AssignmentCompliance = {
  Compliant: AssignmentComplianceState.Compliant,
  NonCompliant: AssignmentComplianceState.NonCompliant,
} as const;

/** Holder of the per-deployment bytes and the client's queued-message count (a ClientState). */
export interface AssignmentHolder {
  assignments: Uint8Array;
  queued: number;
}

function slot(c: AssignmentHolder, deployment: number): number {
  if (deployment >= c.assignments.length) {
    // A little headroom: each new deployment would otherwise cost a new region (bytes past the end read as 0).
    const grown = allocateBytes(deployment + 4);
    grown.set(c.assignments);
    c.assignments = grown;
  }
  return c.assignments[deployment]!;
}

/** Queues a 301 with `state` for `deployment` (replacing a queued one: latest wins). */
export function queueAssignmentEnforcement(c: AssignmentHolder, deployment: number, state: number): void {
  if (deployment < 0) return;
  const byte = slot(c, deployment);
  if ((byte & QUEUED_301) === 0) c.queued++;
  c.assignments[deployment] = (byte & ~ENFORCEMENT_BITS) | QUEUED_301 | (state & ENFORCEMENT_BITS);
}

/**
 * Queues a 300 for `deployment` when `state` differs from the last one reported or queued: the client
 * reports assignment compliance when it changes, not after every evaluation.
 */
export function queueAssignmentCompliance(c: AssignmentHolder, deployment: number, state: number): void {
  if (deployment < 0) return;
  const byte = slot(c, deployment);
  if ((byte & COMPLIANCE_BITS) >> COMPLIANCE_SHIFT === state) return;
  if ((byte & QUEUED_300) === 0) c.queued++;
  c.assignments[deployment] = (byte & ~COMPLIANCE_BITS) | QUEUED_300 | (state << COMPLIANCE_SHIFT);
}

export function enforcementStateOf(c: AssignmentHolder, deployment: number): number {
  return (c.assignments[deployment] ?? 0) & ENFORCEMENT_BITS;
}

export function complianceStateOf(c: AssignmentHolder, deployment: number): number {
  return ((c.assignments[deployment] ?? 0) & COMPLIANCE_BITS) >> COMPLIANCE_SHIFT;
}

export function has300Queued(c: AssignmentHolder, deployment: number): boolean {
  return ((c.assignments[deployment] ?? 0) & QUEUED_300) !== 0;
}

export function has301Queued(c: AssignmentHolder, deployment: number): boolean {
  return ((c.assignments[deployment] ?? 0) & QUEUED_301) !== 0;
}

/** Clears both queued flags of a deployment (its messages were cut into a report). */
export function clearAssignmentQueued(c: AssignmentHolder, deployment: number): void {
  const byte = c.assignments[deployment];
  if (byte !== undefined) c.assignments[deployment] = byte & (ENFORCEMENT_BITS | COMPLIANCE_BITS);
}

export const NO_ASSIGNMENTS: Uint8Array = EMPTY_NIBBLES;
