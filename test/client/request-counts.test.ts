// The fleet's requests per operation for a seeded shortened day, pinned in a golden file: performance
// work (request building, reply parsing, state layout, retention) must not add or drop a single request.
// Deterministic by construction: the client layer (FleetBehaviour on the swarm's Node platform) stepped
// wake-up by wake-up on a virtual clock (runClientsOverFetch), each request answered by the reference site
// in this process (patchstorm/msw's handlers called directly with msw's getResponse: no socket, no global
// interception), the site's manual clock following the clients'. 200 fresh clients over 6 virtual hours:
// registration, policy, location, the cold scan of a small catalog, then the steady state (policy polls,
// state-message cycles, a forced warm scan cycle at 4 h, report events).
// A deliberate change in the counts (a new request in a flow) is recorded with `npx vitest run -u <this file>`
// and the golden file's diff goes in the commit.
import { getResponse } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetBehaviour, type FleetBehaviourOptions } from '../../harness/client/index.ts';
import { MAX_REPLY_BYTES, REQUEST_TIMEOUT_MS } from '../../harness/engine/http-limits.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import { runClientsOverFetch } from '../../harness/platforms/fetch-loop.ts';
import { createSiteHandlers } from '../../site/msw/index.ts';
import { shardContext } from '../fleet-adapter/behaviour-loop.ts';
import { EMPTY_KNOWLEDGE, T0 } from '../fleet-adapter/site.ts';

const MIN = 60_000;
const CLIENTS = 200;
const SEED = 12;
const HOURS = 6;
const LIMITS = { timeoutMs: REQUEST_TIMEOUT_MS.default, maxReplyBytes: MAX_REPLY_BYTES.default };

const { handlers, site, origins, close } = createSiteHandlers({
  clock: { mode: 'manual', start: T0 },
  catalog: { seed: 7, leafUpdates: 120, builds: [22631, 19045] },
});
afterAll(close);

function fleetOptions(): FleetBehaviourOptions {
  return {
    fleet: {
      start: 'fresh',
      rolloutRampMs: 30 * MIN,
      machines: [
        { name: 'win11', build: 22631, weight: 1, installedFraction: 0.5 },
        { name: 'win10', build: 19045, weight: 1, installedFraction: 0.5 },
      ],
    },
    targets: { mp: origins.mp, sups: [origins.sup], siteCode: 'PS1' },
    knowledge: EMPTY_KNOWLEDGE,
    // A warm scan cycle too (the steady state's scheduled scans are a day apart): delta SyncUpdates.
    events: { forcedScans: [{ at: T0 + 4 * 60 * MIN, spreadMs: 30 * MIN }] },
  };
}

/** fetch answered by the site's handlers in this process. */
const siteFetch: typeof fetch = async (input, init) => {
  const response = await getResponse(handlers, new Request(input, init));
  if (!response) throw new Error(`no site handler for ${String(input)}`);
  return response;
};

describe('requests per operation for a seeded shortened day', () => {
  it('are the golden counts', async () => {
    const behaviour = new FleetBehaviour(
      shardContext(CLIENTS, SEED, T0),
      fleetOptions(),
      await createRegistrationSigner(),
      createNodePlatform(),
    );
    const clock = site.model.clock;
    const sent = await runClientsOverFetch({
      behaviour,
      clients: CLIENTS,
      start: T0,
      until: T0 + HOURS * 60 * MIN,
      limits: LIMITS,
      fetch: siteFetch,
      onAdvance: (now) => {
        if (now > clock.now()) clock.advance(now - clock.now());
      },
    });
    // Every request answered and used: a count of failures would pin a bug, not the flows.
    expect(sent.filter((s) => typeof s.status !== 'number' || s.status >= 400 || s.unusable)).toEqual([]);
    const counts: Record<string, number> = {};
    for (const s of [...sent].sort((a, b) => a.operation.localeCompare(b.operation)))
      counts[s.operation] = (counts[s.operation] ?? 0) + 1;
    // Every client went through its first day's start, then polled on through the hours.
    expect(counts['mp.registration']).toBe(CLIENTS);
    expect(counts['wsus.ReportEventBatch']).toBeGreaterThanOrEqual(CLIENTS);
    await expect(`${JSON.stringify(counts, null, 2)}\n`).toMatchFileSnapshot('./request-counts.golden.json');
  }, 90_000);
});
