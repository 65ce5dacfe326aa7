// One behaviour, two ways of running it: the same seeded fleet slice run by the swarm (runLoad: a worker
// thread, the scheduler, the undici transport, a site clock running at the run's speed) and by a plain
// loop in this process over the client layer (harness/client's FleetBehaviour, stepped wake-up by wake-up
// by test/fleet-adapter/behaviour-loop.ts on the site's manual clock) sends the same number of requests
// per operation.
// Both start from nothing (fresh clients, empty knowledge) against their own identical reference site.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import {
  FLEET_BEHAVIOUR_MODULE,
  type FleetBehaviourOptions,
} from '../../harness/engine/fleet-adapter/index.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import { runLoad } from '../../harness/engine/run.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from '../fleet-adapter/behaviour-loop.ts';
import { EMPTY_KNOWLEDGE, startTestSite, T0 } from '../fleet-adapter/site.ts';

const MIN = 60_000;
const CLIENTS = 12;
const SEED = 4;
/**
 * The swarm's replies take virtual time (wall latency × speed), the loop's none. At speed 300 that moved
 * one client's state-message flush enough for two of its posts to go as one (swarm 11 mp.statemsg, loop
 * 12, every other operation equal); at 60 a reply's few ms of wall time are under a virtual second.
 */
const SPEED = 60;
/** Long enough for every client to register, poll policy, scan cold and post its messages; the last
 *  activity is minutes before the end, so neither run is cut mid-exchange. */
const DURATION_MS = 20 * MIN;

function options(site: RunningSite): FleetBehaviourOptions {
  return {
    fleet: {
      start: 'fresh',
      rolloutRampMs: 2 * MIN,
      machines: [
        { name: 'win11', build: 22631, weight: 1, installedFraction: 0.5 },
        { name: 'win10', build: 19045, weight: 1, installedFraction: 0.5 },
      ],
      timers: { firstScanWindowMs: 5 * MIN },
    },
    targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
    knowledge: EMPTY_KNOWLEDGE,
  };
}

let swarmSite: RunningSite;
let loopSite: RunningSite;

beforeAll(async () => {
  swarmSite = await startTestSite({ clock: { mode: 'real', speed: SPEED, start: T0 } });
  loopSite = await startTestSite();
});

afterAll(async () => {
  await swarmSite?.stop();
  await loopSite?.stop();
});

describe('the swarm and a plain loop over the client layer', () => {
  it('send the same requests per operation for the same seeded slice', async () => {
    const { summary } = await runLoad({
      fleetSize: CLIENTS,
      workers: 1,
      seed: SEED,
      speed: SPEED,
      virtualStart: swarmSite.model.clock.now(),
      durationMs: DURATION_MS,
      behaviourModule: FLEET_BEHAVIOUR_MODULE,
      behaviourOptions: options(swarmSite),
      transport: { connections: 8 },
      intervalMs: 250,
      out: null,
      handleSignals: false,
    });
    expect(summary.end, summary.endReason).toBe('completed');
    const swarm = Object.fromEntries(summary.operations.map((o) => [o.name, o.requests]));

    const behaviour = new FleetBehaviour(
      shardContext(CLIENTS, SEED, T0),
      options(loopSite),
      await createRegistrationSigner(),
      createNodePlatform(),
    );
    const loop = new BehaviourLoop(behaviour, CLIENTS, loopSite.model.clock);
    try {
      await loop.runUntil(T0 + DURATION_MS);
    } finally {
      await loop.close();
    }
    const plain: Record<string, number> = {};
    for (const s of loop.sent) plain[s.operation] = (plain[s.operation] ?? 0) + 1;

    console.log(`requests per operation, swarm vs loop: ${JSON.stringify({ swarm, plain })}`);
    expect(plain).toEqual(swarm);
    // Not an empty agreement: every client went through its whole first day's start.
    expect(plain['mp.registration']).toBe(CLIENTS);
    expect(plain['wsus.ReportEventBatch']).toBe(CLIENTS);
    expect(plain['wsus.SyncUpdates']).toBeGreaterThan(CLIENTS * 2);
    for (const o of summary.operations) expect(o.errors, o.name).toBe(0);
  }, 90_000);
});
