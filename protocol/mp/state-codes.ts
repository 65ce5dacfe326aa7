// Topic types and state ids of the state messages a software-updates client sends
// (protocol-reference §2.6, from memdocs state-messages.md; 0 = unknown everywhere).

export const TopicType = {
  SumAssignmentCompliance: 300,
  SumAssignmentEnforcement: 301,
  SumAssignmentEvaluation: 302,
  SumCiDetection: 400,
  SumCiCompliance: 401,
  SumCiEnforcement: 402,
  SumUpdateDetection: 500,
  SumUpdateSourceScan: 501,
  ResyncStateMessage: 700,
  SystemHeartbeat: 701,
  ClientDeployment: 800,
  ClientFrameworkComm: 1000,
} as const;
export type TopicType = (typeof TopicType)[keyof typeof TopicType];

/** What the Topic ID names: 3 = an update's unique id (TopicType 500). Higher values are unverified. */
export const TopicIdType = { SdmTypeId: 1, CiAssignmentId: 2, UpdateUniqueId: 3 } as const;
export type TopicIdType = (typeof TopicIdType)[keyof typeof TopicIdType];

/** TopicType 300. */
export const AssignmentComplianceState = { Unknown: 0, Compliant: 1, NonCompliant: 2, Conflict: 3 } as const;

/** TopicType 301. */
export const AssignmentEnforcementState = {
  Unknown: 0,
  Installing: 1,
  WaitingRestart: 2,
  WaitingOtherInstall: 3,
  Success: 4,
  PendingRestart: 5,
  FailedInstall: 6,
  Downloading: 7,
  Downloaded: 8,
  DownloadFailed: 9,
  WaitingMaintenanceWindow: 10,
  Orchestration: 11,
  WaitingSuperseding: 12,
} as const;

/** TopicType 302. */
export const AssignmentEvaluationState = { Unknown: 0, Activated: 1, Succeeded: 2, Failed: 3 } as const;

/** TopicType 400. */
export const CiDetectionState = { Unknown: 0, NotRequired: 1, NotDetected: 2, Detected: 3 } as const;

/** TopicType 402 (states 2–7 are not listed in the sources). */
export const CiEnforcementState = {
  Unknown: 0,
  Started: 1,
  Installing: 8,
  PendingRestart: 9,
  Installed: 10,
  Failed: 11,
  Downloading: 12,
  Downloaded: 13,
  DownloadFailed: 14,
} as const;

/** TopicType 500: per-update detection, the compliance the site reports. */
export const UpdateDetectionState = { Unknown: 0, NotRequired: 1, Required: 2, Installed: 3 } as const;
export type UpdateDetectionState = (typeof UpdateDetectionState)[keyof typeof UpdateDetectionState];

/** TopicType 501: scan against the update source. */
export const UpdateSourceScanState = {
  Unknown: 0,
  WaitingForCatalogLocation: 1,
  Running: 2,
  Completed: 3,
  PendingRetry: 4,
  Failed: 5,
  CompletedWithErrors: 6,
} as const;
export type UpdateSourceScanState = (typeof UpdateSourceScanState)[keyof typeof UpdateSourceScanState];

/** TopicType 1000. */
export const FrameworkCommState = { Unknown: 0, Ok: 1, Failed: 2 } as const;
