// The module runLoad's workers load (FLEET_BEHAVIOUR_MODULE): builds one shard's FleetBehaviour from the
// structured-clone FleetBehaviourOptions on the Node platform. The RSA key that signs MP registrations is
// made once per worker.
import type { CreateBehaviour } from '../behaviour.ts';
import { FleetBehaviour } from '../../client/fleet-behaviour.ts';
import { createNodePlatform, createRegistrationSigner } from '../node-platform.ts';
import type { FleetBehaviourOptions } from '../../client/behaviour-options.ts';

export const createBehaviour: CreateBehaviour = async (ctx, options) =>
  new FleetBehaviour(
    ctx,
    options as FleetBehaviourOptions,
    await createRegistrationSigner(),
    createNodePlatform(),
  );
