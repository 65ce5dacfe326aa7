// The reference site's state system: inbox, rate-limited processor, serial tracking, compliance.
export { ComplianceStore } from './compliance.ts';
export {
  type DeploymentCompliance,
  DeploymentComplianceStore,
  type DeploymentStatus,
  statusOf,
} from './deployment-compliance.ts';
export { StateMessageInbox } from './inbox.ts';
export {
  type BackPressureOptions,
  PROCESSOR_DEFAULTS,
  type ProcessorOptions,
  type ResolvedProcessorOptions,
  resolveProcessorOptions,
  StateMessageProcessor,
} from './processor.ts';
export { type MissingRange, SerialTracker, type SerialVerdict } from './serials.ts';
export {
  type AcceptVerdict,
  type BacklogSnapshot,
  type ComplianceSnapshot,
  StateSystem,
} from './state-system.ts';
export * from './types.ts';
