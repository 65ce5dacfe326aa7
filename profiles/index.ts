// The profile API: defineProfile, the schema types, the built-in workloads and the loader.
import forcedRescan from './builtin/forced-rescan.ts';
import initialRollout from './builtin/initial-rollout.ts';
import newCatalog from './builtin/new-catalog.ts';
import patchTuesday from './builtin/patch-tuesday.ts';
import steadyState from './builtin/steady-state.ts';
import supFailover from './builtin/sup-failover.ts';
import { loadProfile } from './load.ts';
import type { Profile } from './schema.ts';

export { defineProfile, ProfileError, type ProfileProblem } from './define.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { loadProfile, ProfileLoadError } from './load.ts';
export { TIMER_NAMES } from './schema.ts';
export type { Profile, ProfileEvent, ProfileInput } from './schema.ts';

export const BUILTIN_PROFILES: ReadonlyMap<string, Profile> = new Map(
  [steadyState, initialRollout, newCatalog, patchTuesday, supFailover, forcedRescan].map((p) => [p.name, p]),
);

/** A built-in profile by name, or a profile file (.ts/.js/.json); `pick` chooses in a multi-profile file. */
export function resolveProfile(spec: string, pick?: string): Promise<Profile> {
  return loadProfile(spec, BUILTIN_PROFILES, pick);
}
