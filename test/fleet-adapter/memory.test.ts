// Memory of one worker shard at full size: 100,000 warm clients of the default machine mix against the
// default (~5 MB cold scan) catalog, every client holding a WSUS cookie and an MP-assigned SMSID as in
// steady state. Prints heap + array buffers per client (the design goal is well under 1-2 KB per client
// with 100,000 clients over 2 workers); the bound asserted is deliberately loose.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { liveBytes } from '../live-bytes.ts';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import type { CatalogKnowledge } from '../../harness/engine/fleet-adapter/index.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import type { RegistrationSigner } from '../../harness/client/platform.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import { DEFAULT_MACHINES } from '../../harness/fleet/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { shardContext } from './behaviour-loop.ts';
import { startTestSite, T0 } from './site.ts';

const CLIENTS = 100_000;
let site: RunningSite;
let knowledge: CatalogKnowledge;
let signer: RegistrationSigner;

beforeAll(async () => {
  // The default catalog: 1,050 leaf updates, the W-COLD ~5 MB per cold scan.
  site = await startTestSite({ catalog: { seed: 1 } });
  knowledge = await discoverCatalogKnowledge({
    supUrl: site.urls.supHttp,
    mpUrl: site.urls.mpHttp,
    builds: DEFAULT_MACHINES.map((m) => m.build),
  });
  signer = await createRegistrationSigner();
}, 120_000);

afterAll(async () => {
  await site?.stop();
});

it('a 100,000-client warm shard with cookies and SMSIDs', () => {
  const before = liveBytes();
  const behaviour = new FleetBehaviour(
    shardContext(CLIENTS, 1, T0),
    {
      fleet: { start: 'warm', initialCatalogVersion: knowledge.catalogVersion, rolloutRampMs: 3_600_000 },
      targets: { mp: site.urls.mpHttp, sups: [site.urls.supHttp], siteCode: 'PS1' },
      knowledge,
    },
    signer,
    createNodePlatform(),
  );
  const built = liveBytes();
  // Steady state: every client has scanned this hour (a 256-byte WSUS cookie) and registered (SMSID).
  const ctx = behaviour.protocolState;
  const encrypted = Buffer.alloc(256, 7).toString('base64');
  for (let c = 0; c < CLIENTS; c++) {
    ctx.cookies.set(c, { expiration: '2026-10-01T09:00:00.1234567Z', encryptedData: encrypted });
    ctx.smsIds.set(c, `GUID:${(0x10000000 + c).toString(16).toUpperCase()}-1111-4222-8333-444455556666`);
  }
  const after = liveBytes();
  const perClient = (after - before) / CLIENTS;
  const fleetPerClient = (built - before) / CLIENTS;
  const rss = process.memoryUsage().rss;
  const table = behaviour.knowledge.machines.map((m) => m.table.length);
  console.log(
    `fleet-adapter memory: ${Math.round(perClient)} B/client in total (fleet records + shard tables ` +
      `${Math.round(fleetPerClient)} B, cookies + SMSIDs ${Math.round((after - built) / CLIENTS)} B); ` +
      `protocol state ${Math.round(behaviour.protocolStateBytes / CLIENTS)} B/client; machine tables ${table.join('/')} updates; ` +
      `process RSS ${Math.round(rss / 1e6)} MB`,
  );
  expect(behaviour.fleet.client(CLIENTS - 1).evaluatedCount).toBeGreaterThan(100);
  expect(perClient).toBeLessThan(3 * 1024);
}, 120_000);
