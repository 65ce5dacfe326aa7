// A warm fleet ("already scanned yesterday") is one the site's SUSDB has known for months, so the embedded
// site's SUPs must know it too or every client's first online scan answers RegistrationRequired (twice
// the SUP work, and errors a real site would not show). At the start of a warm run against the embedded
// site, each SUP node gets the fleet's computers through POST /api/registrations, with the SusClientId
// and dnsName the fleet itself will send (the fleet's identity function, seed + global client index),
// and the SMS client id its state messages carry, so the site's state system knows the fleet as well.
// Fresh fleets (and rollouts) register for real; external targets are never touched.
import type { Profile } from '../../profiles/index.ts';
import { clientIdentity } from '../fleet/identity.ts';
import type { ObserverClient } from './observer-client.ts';

/** Computers per observer call (the route's own limit). */
export const REGISTRATION_BATCH = 10_000;

/** Whether the fleet starts warm: registered with the SUP before the run (no rollout brings it up). */
export function startsRegistered(profile: Profile): boolean {
  return profile.fleet.start === 'warm' && !profile.events.some((e) => e.kind === 'rollout');
}

/** The computers of clients [from, to) as the fleet identifies itself to the SUP. */
export function fleetComputers(
  seed: number,
  from: number,
  to: number,
): { clientId: string; dnsName: string; smsId: string }[] {
  const out: { clientId: string; dnsName: string; smsId: string }[] = [];
  for (let i = from; i < to; i++) {
    const id = clientIdentity(seed, i);
    // smsId: the site database knows the client too (targeted by deployments, Unknown until it reports).
    out.push({ clientId: id.susClientId, dnsName: id.dnsName, smsId: id.smsGuid });
  }
  return out;
}

/**
 * Registers clients 0..fleetSize-1 with every SUP node (NLB nodes share one SUSDB; each embedded node
 * keeps its own table). Returns the number of clients registered.
 */
export async function seedSusRegistrations(
  observers: readonly ObserverClient[],
  seed: number,
  fleetSize: number,
  batch = REGISTRATION_BATCH,
): Promise<number> {
  for (let from = 0; from < fleetSize; from += batch) {
    const clients = fleetComputers(seed, from, Math.min(fleetSize, from + batch));
    await Promise.all(observers.map((o) => o.call('POST', '/api/registrations', { clients })));
  }
  return fleetSize;
}
