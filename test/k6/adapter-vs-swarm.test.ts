// The k6 script, run through the k6-API ADAPTER (test/support/k6-adapter.ts: not k6 itself) as two k6
// instances (execution segments 0:1/2 and 1/2:1, two VUs each), and the swarm (runLoad, two worker shards)
// run the same seeded fresh fleet against identical reference sites with real clocks at the same speed:
// per-operation request counts agree within 5 %, and every client registers exactly once across the two
// instances. A shorter run than patch-tuesday (a fresh fleet's first 20 virtual minutes) so the test
// takes about a minute (two runs of 30 wall seconds, one after the other).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetBehaviourOptions } from '../../harness/client/behaviour-options.ts';
import { bundleK6Script } from '../../harness/cli/k6-bundle.ts';
import { createSigningKey } from '../../harness/cli/k6-signing-key.ts';
import { FLEET_BEHAVIOUR_MODULE } from '../../harness/engine/fleet-adapter/index.ts';
import { runLoad } from '../../harness/engine/run.ts';
import type { K6ScriptConfig } from '../../harness/k6/config.ts';
import type { RunningSite } from '../../site/server.ts';
import { EMPTY_KNOWLEDGE, startTestSite, T0 } from '../fleet-adapter/site.ts';
import { runK6Script } from '../support/k6-adapter.ts';

const MIN = 60_000;
const CLIENTS = 24;
const SEED = 4;
/**
 * A k6 VU blocks while its batch is out, so a client that comes due then waits (the VU logs its worst
 * lateness: up to ~1 s wall on this loaded machine). Whether a client's state messages leave in one post or
 * two depends on where its scan ends relative to its reporting cycle; at speed 60 that second of lateness
 * moved two clients' posts past the end in a run beside other tests. At 40 it is 40 virtual seconds.
 */
const SPEED = 40;
const DURATION_MS = 20 * MIN;

function options(targets: FleetBehaviourOptions['targets']): FleetBehaviourOptions {
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
    targets,
    knowledge: EMPTY_KNOWLEDGE,
  };
}

let swarmSite: RunningSite;
let k6Site: RunningSite;

beforeAll(async () => {
  swarmSite = await startTestSite({ clock: { mode: 'real', speed: SPEED, start: T0 } });
  k6Site = await startTestSite({ clock: { mode: 'real', speed: SPEED, start: T0 } });
});

afterAll(async () => {
  await swarmSite?.stop();
  await k6Site?.stop();
});

describe('the k6 script (through the k6-API adapter) and the swarm', () => {
  it('send the same requests per operation, within 5 %, for the same seeded fleet', async () => {
    const { privateKeyPem: _, ...signingKey } = await createSigningKey();
    const config: K6ScriptConfig = {
      profileName: 'adapter-test',
      runId: 'adapter-test-run',
      fleetSize: CLIENTS,
      seed: SEED,
      speed: SPEED,
      durationMs: DURATION_MS,
      vus: 4,
      builtForStart: T0,
      // Built for targets that do not exist: the run's -e PATCHSTORM_MP/SUP must win.
      behaviourOptions: options({
        mp: 'http://build.invalid:1',
        sups: ['http://build.invalid:2'],
        siteCode: 'PS1',
      }),
      signingKey,
      thresholds: { patchstorm_error_rate: ['rate<=0'] },
      requestTimeout: '60s',
      maxBatch: 64,
    };
    const script = await bundleK6Script(config);
    // One after the other: the machine's two cores are not shared between the two runs.
    const k6 = await runK6Script({
      script,
      env: {
        PATCHSTORM_MP: k6Site.urls.mpHttp,
        PATCHSTORM_SUP: k6Site.urls.supHttp,
        PATCHSTORM_START: String(k6Site.model.clock.now()),
      },
      instances: [
        { segment: '0:1/2', sequence: '0,1/2,1', vuIds: [1, 3] },
        { segment: '1/2:1', sequence: '0,1/2,1', vuIds: [2, 4] },
      ],
    });
    const swarmStart = swarmSite.model.clock.now();
    const { summary } = await runLoad({
      fleetSize: CLIENTS,
      workers: 2,
      seed: SEED,
      speed: SPEED,
      virtualStart: swarmStart,
      durationMs: DURATION_MS,
      behaviourModule: FLEET_BEHAVIOUR_MODULE,
      behaviourOptions: options({
        mp: swarmSite.urls.mpHttp,
        sups: [swarmSite.urls.supHttp],
        siteCode: 'PS1',
      }),
      transport: { connections: 8 },
      intervalMs: 250,
      out: null,
      handleSignals: false,
    });
    expect(summary.end, summary.endReason).toBe('completed');
    const swarm = Object.fromEntries(
      summary.operations.filter((o) => o.requests > 0).map((o) => [o.name, o.requests]),
    );
    const viaK6: Record<string, number> = {};
    for (const t of k6.totals)
      if (t.metric === 'patchstorm_requests') viaK6[t.tags.op!] = (viaK6[t.tags.op!] ?? 0) + t.sum;
    const errors = k6.totals.filter((t) => t.metric === 'patchstorm_errors');
    console.log(`requests per operation, swarm vs k6 adapter: ${JSON.stringify({ swarm, k6: viaK6 })}`);

    expect(Object.keys(viaK6).sort()).toEqual(Object.keys(swarm).sort());
    for (const [op, n] of Object.entries(swarm)) {
      expect(Math.abs(viaK6[op]! - n) / n, `${op}: k6 ${viaK6[op]} vs swarm ${n}`).toBeLessThanOrEqual(0.05);
    }
    // The two segments are disjoint halves of one fleet: every client registered once, scanned, reported.
    expect(viaK6['mp.registration']).toBe(CLIENTS);
    expect(viaK6['wsus.ReportEventBatch']).toBe(CLIENTS);
    expect(errors).toEqual([]);
    // Latency was recorded per operation for every request that had a reply.
    const latency = k6.totals.filter((t) => t.metric === 'patchstorm_latency');
    expect(latency.reduce((s, t) => s + t.count, 0)).toBe(Object.values(viaK6).reduce((a, b) => a + b, 0));
    expect(k6.modules).toEqual(['k6', 'k6/crypto', 'k6/execution', 'k6/http', 'k6/metrics']);
    expect(k6.options.thresholds).toEqual({ patchstorm_error_rate: ['rate<=0'] });
    // Every metric k6 writes is tagged with the build's run id (no -e PATCHSTORM_RUN here) and the target.
    expect(k6.options.tags).toEqual({
      run: 'adapter-test-run',
      profile: 'adapter-test',
      target: k6Site.urls.supHttp,
    });
  }, 180_000);
});
