// Profile → the fleet behaviour's options: the client model's configuration (timers, rules, machine mix,
// windows, start scenario, rollout ramp), the targets, the discovered catalog and the fleet-side events.
import type { Profile } from '../../profiles/index.ts';
import type { CatalogKnowledge, FleetBehaviourOptions, FleetTargets } from '../engine/fleet-adapter/index.ts';
import { DEFAULT_MACHINES } from '../fleet/config.ts';

/** OS builds of the profile's machine mix (the fleet's default mix when the profile names none). */
export function buildsOf(profile: Profile): number[] {
  return [...new Set((profile.fleet.machines ?? DEFAULT_MACHINES).map((m) => m.build))];
}

export function fleetBehaviourOptions(r: {
  profile: Profile;
  seed: number;
  virtualStart: number;
  targets: FleetTargets;
  knowledge: CatalogKnowledge;
}): FleetBehaviourOptions {
  const { profile, virtualStart } = r;
  const rollout = profile.events.find((e) => e.kind === 'rollout');
  const forcedScans = profile.events.flatMap((e) =>
    e.kind === 'forced-rescan' ? [{ at: virtualStart + e.at, spreadMs: e.spread }] : [],
  );
  return {
    fleet: {
      seed: r.seed,
      start: profile.fleet.start,
      // A rollout brings clients up over `over`, starting `at` into the run.
      startAt: virtualStart + (rollout?.at ?? 0),
      rolloutRampMs: rollout?.over ?? 0,
      variant: profile.fleet.variant,
      timers: { ...profile.timers },
      rules: { ...profile.rules },
      ...(profile.fleet.machines ? { machines: profile.fleet.machines.map((m) => ({ ...m })) } : {}),
      maintenanceWindows: profile.fleet.maintenanceWindows.map((w) => ({
        weight: w.weight,
        periodMs: w.period,
        offsetMs: w.offset,
        durationMs: w.duration,
      })),
      noWindowWeight: profile.fleet.noWindowWeight,
      installFailureRate: profile.fleet.installFailureRate,
      // Warm clients already scanned the catalog the site serves now.
      initialCatalogVersion: r.knowledge.catalogVersion,
      initialSupCount: r.targets.sups.length,
    },
    targets: r.targets,
    knowledge: r.knowledge,
    events: { forcedScans },
  };
}
