// Public surface of the fleet model (what the engine and k6 script import).

export { FleetCatalog, type FleetDeployment, MachineUpdateTable } from './catalog-view.ts';
export { type ClientState, Flag, Phase } from './client-state.ts';
export { Detection, detectionAt } from './compliance.ts';
export {
  DEFAULT_MACHINES,
  defaultRules,
  defaultTimers,
  defineFleetConfig,
  effectiveScanScheduleMs,
  type FleetConfig,
  FleetConfigError,
  type FleetConfigInput,
  type FleetTimers,
  type MachineType,
  type MaintenanceWindowSpec,
  type TriggerRules,
  type TriggerVariant,
} from './config.ts';
export type { FleetContext } from './context.ts';
export type { FleetCounters } from './counters.ts';
export { Fleet, type FleetOptions } from './fleet.ts';
export { type Activity, activityOf, type FleetGauges } from './gauges.ts';
export { type ClientIdentity, clientIdentity } from './identity.ts';
export { nextWake, stepClient } from './machine.ts';
export { EnforcementState, ScanState, Topic } from './state-messages.ts';
export type * from './vocabulary.ts';
export {
  type FaultRecovery,
  recoveryFor,
  scanHandshake,
  type WsusSessionFacts,
} from './wsus-recovery.ts';
export {
  authorizationFrom,
  authorizationTarget,
  SIMPLE_TARGETING,
  type WsusAuthorization,
} from './wsus-auth.ts';
export { type SoftwarePage, type SoftwareSyncStep, SoftwareSyncRounds } from './wsus-paging.ts';
