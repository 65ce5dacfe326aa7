// The fleet behaviour plug-in for the engine (harness/engine/behaviour.ts): the harness/fleet state machine
// per shard, its actions performed as real protocol exchanges. `patchstorm run` discovers the catalog once
// (harness/run/discover-knowledge.ts), then passes FLEET_BEHAVIOUR_MODULE and FleetBehaviourOptions to runLoad.
export {
  appliesTo,
  type CatalogKnowledge,
  isSoftwareUpdate,
  type KnownFile,
  type KnownUpdate,
  type KnownUpdateKind,
  type MachineKnowledge,
} from '../../client/knowledge.ts';
export {
  type FleetBehaviourOptions,
  FleetBehaviourOptionsError,
  type FleetTargets,
  type ForcedScanEvent,
  validateBehaviourOptions,
} from '../../client/behaviour-options.ts';

/** runLoad's `behaviourModule` for the fleet behaviour. */
export const FLEET_BEHAVIOUR_MODULE = new URL('./behaviour.ts', import.meta.url).href;
