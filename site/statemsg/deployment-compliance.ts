// Per-deployment compliance as ConfigMgr's deployment monitoring shows it, from the topic-300
// (assignment compliance) and topic-301 (assignment enforcement) messages the processor has loaded
// (TopicID = assignment id). Per client and deployment the message with the highest serial wins; a
// client the site knows of with no processed message for a deployment is Unknown for it (M-BACKLOG:
// messages still waiting in the inbox count as Unknown). Running counts per deployment, so a snapshot
// never walks the clients.
import {
  AssignmentComplianceState,
  AssignmentEnforcementState,
  TopicType,
} from '../../protocol/mp/state-codes.ts';
import type { DeploymentCompliance } from '../../protocol/observer.ts';
import { ownString } from '../own-string.ts';

export type { DeploymentCompliance };

export type DeploymentStatus = 'required' | 'downloaded' | 'installed' | 'failed' | 'pendingRestart';

const STATUSES: readonly DeploymentStatus[] = [
  'required',
  'downloaded',
  'installed',
  'failed',
  'pendingRestart',
];
const STATUS_COUNT = STATUSES.length;

const E = AssignmentEnforcementState;
/** Topic-301 state -> status index (undefined: not a state that says where the client stands). */
const FROM_ENFORCEMENT: Record<number, number | undefined> = {
  [E.Downloading]: 0,
  [E.Installing]: 1,
  [E.WaitingOtherInstall]: 1,
  [E.Downloaded]: 1,
  [E.WaitingMaintenanceWindow]: 1,
  [E.Orchestration]: 1,
  [E.WaitingSuperseding]: 1,
  [E.Success]: 2,
  [E.FailedInstall]: 3,
  [E.DownloadFailed]: 3,
  [E.PendingRestart]: 4,
  [E.WaitingRestart]: 4,
};
const FROM_COMPLIANCE: Record<number, number | undefined> = {
  [AssignmentComplianceState.NonCompliant]: 0,
  [AssignmentComplianceState.Compliant]: 2,
};

/** The status a 300/301 message says, or undefined for other topics and states. */
export function statusOf(topicType: number, stateId: number): DeploymentStatus | undefined {
  const i =
    topicType === TopicType.SumAssignmentCompliance
      ? FROM_COMPLIANCE[stateId]
      : topicType === TopicType.SumAssignmentEnforcement
        ? FROM_ENFORCEMENT[stateId]
        : undefined;
  return i === undefined ? undefined : STATUSES[i];
}

interface PerDeployment {
  /** clientId -> serial * 8 + status index. */
  clients: Map<string, number>;
  counts: number[];
}

export class DeploymentComplianceStore {
  readonly #byAssignment = new Map<string, PerDeployment>();

  /**
   * Records a topic-300/301 message. Returns false when it says nothing about the deployment's status
   * or when a newer serial already set this client's status (an out-of-order late message).
   */
  apply(clientId: string, topicType: number, assignmentId: string, stateId: number, serial: number): boolean {
    const status = statusOf(topicType, stateId);
    if (status === undefined) return false;
    const index = STATUSES.indexOf(status);
    const key = assignmentId.toLowerCase();
    let d = this.#byAssignment.get(key);
    if (d === undefined) {
      d = { clients: new Map(), counts: new Array<number>(STATUS_COUNT).fill(0) };
      // Kept for the run: a copy, not a view of the report text the id was read from.
      this.#byAssignment.set(ownString(key), d);
    }
    const previous = d.clients.get(clientId);
    if (previous !== undefined) {
      if (serial < Math.floor(previous / 8)) return false;
      d.counts[previous % 8]! -= 1;
    }
    d.clients.set(clientId, serial * 8 + index);
    d.counts[index]! += 1;
    return true;
  }

  /** Clients per status for one assignment id (zeros when nothing was processed for it). */
  countsFor(assignmentId: string): Record<DeploymentStatus, number> {
    const counts = this.#byAssignment.get(assignmentId.toLowerCase())?.counts;
    return {
      required: counts?.[0] ?? 0,
      downloaded: counts?.[1] ?? 0,
      installed: counts?.[2] ?? 0,
      failed: counts?.[3] ?? 0,
      pendingRestart: counts?.[4] ?? 0,
    };
  }

  /** One deployment's figure, with `targeted` the clients the site knows. */
  figure(
    deployment: { id: string; name: string; deadline?: number },
    targeted: number,
  ): DeploymentCompliance {
    const c = this.countsFor(deployment.id);
    const known = c.required + c.downloaded + c.installed + c.failed + c.pendingRestart;
    return {
      id: deployment.id,
      name: deployment.name,
      // Whole ms: the site clock runs fractional time, the figure is a timestamp.
      ...(deployment.deadline === undefined ? {} : { deadline: Math.round(deployment.deadline) }),
      // A client whose message was loaded is known to the site; max() keeps the sum exact even if a
      // violation forgets clients.
      targeted: Math.max(targeted, known),
      ...c,
      unknown: Math.max(0, targeted - known),
    };
  }
}
