// POST /api/registrations: the observer records computers in the SUP's registration table as if each had
// run RegisterComputer (a SUSDB that already knows a warm fleet). Validated, bounded per call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientIdentity } from '../../harness/fleet/identity.ts';
import { fleetComputers } from '../../harness/run/seed-registrations.ts';
import { generateCatalog } from '../../site/catalog/generate.ts';
import { SiteClock } from '../../site/clock.ts';
import { DeploymentStore } from '../../site/deployments.ts';
import { FaultInjector } from '../../site/faults.ts';
import type { SiteModel } from '../../site/model.ts';
import { MAX_REGISTRATIONS_PER_CALL } from '../../site/observer-api.ts';
import { type RunningObserver, startObserver } from '../../site/observer.ts';
import { SITE_DEFAULTS } from '../../site/options.ts';
import { SiteStats } from '../../site/stats.ts';
import { createSupFrontEnd, type SupFrontEnd } from '../../site/sup/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API under test
type Json = any;

const START = Date.parse('2025-06-10T12:00:00Z');

describe('observer POST /api/registrations', () => {
  let observer: RunningObserver;
  let noSup: RunningObserver;
  let sup: SupFrontEnd;
  const noted: string[] = [];

  beforeAll(async () => {
    const model: SiteModel = {
      config: { ...SITE_DEFAULTS },
      clock: new SiteClock({ mode: 'manual', start: START }),
      catalog: generateCatalog({ seed: 3, leafUpdates: 12, now: START }),
      deployments: new DeploymentStore(),
      violations: new Set(),
    };
    sup = createSupFrontEnd(model);
    const sources = {
      model,
      stats: new SiteStats(),
      faults: new FaultInjector(),
      backlog: () => ({}),
      compliance: () => ({}),
    };
    observer = await startObserver(0, {
      ...sources,
      registerComputers: (clients) => sup.registerComputers(clients),
      noteClients: (ids) => noted.push(...ids),
      frontEndState: () => ({ sup: sup.snapshot() }),
    });
    noSup = await startObserver(0, sources);
  });
  afterAll(async () => {
    await observer.stop();
    await noSup.stop();
  });

  const post = async (body: unknown, base = observer.url): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${base}/api/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };

  it('records the fleet identities in the SUP registration table, idempotently', async () => {
    const clients = fleetComputers(7, 0, 25);
    expect(clients[3]).toEqual({
      clientId: clientIdentity(7, 3).susClientId,
      dnsName: clientIdentity(7, 3).dnsName,
      smsId: clientIdentity(7, 3).smsGuid,
    });
    const first = await post({ clients });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ received: 25, added: 25, registrations: 25 });
    // Upper-case GUIDs are the same computers (the SUP compares client ids case-insensitively).
    const again = await post({ clients: clients.map((c) => ({ ...c, clientId: c.clientId.toUpperCase() })) });
    expect(again.json).toEqual({ received: 25, added: 0, registrations: 25 });
    expect(sup.snapshot().registrations).toBe(25);
    // The SMS client ids reach the site's state system (targeted by deployments, Unknown until reported).
    expect(noted.slice(0, 25)).toEqual(clients.map((c) => c.smsId));
  });

  it('takes a full batch of 10,000 in one call', async () => {
    const { status, json } = await post({ clients: fleetComputers(8, 0, MAX_REGISTRATIONS_PER_CALL) });
    expect(status).toBe(200);
    expect(json.added).toBe(MAX_REGISTRATIONS_PER_CALL);
  });

  it.each([
    [{}, 'clients:'],
    [{ clients: [] }, 'clients: got []'],
    [{ clients: [{ clientId: 'not-a-guid', dnsName: 'a.test' }] }, 'clients[0].clientId: got "not-a-guid"'],
    [
      { clients: [{ clientId: clientIdentity(1, 1).susClientId, dnsName: 'bad name' }] },
      'clients[0].dnsName: got "bad name"',
    ],
    [
      { clients: [{ clientId: clientIdentity(1, 1).susClientId, dnsName: 'a.test', extra: 1 }] },
      'clients[0]: unknown field(s) "extra"',
    ],
    [
      { clients: [{ clientId: clientIdentity(1, 1).susClientId, dnsName: 'a.test', smsId: 'GUID:nope' }] },
      'clients[0].smsId: got "GUID:nope"',
    ],
    [{ clients: fleetComputers(9, 0, MAX_REGISTRATIONS_PER_CALL + 1) }, 'clients: '],
  ])('refuses %# with 400 naming the field and the value', async (body, message) => {
    const before = sup.snapshot().registrations;
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expect(json.error).toContain(message);
    expect(sup.snapshot().registrations).toBe(before);
  });

  it('says so on a site without a SUP registration table', async () => {
    const { status, json } = await post({ clients: fleetComputers(1, 0, 1) }, noSup.url);
    expect(status).toBe(501);
    expect(json.error).toContain('no SUP registration table');
  });
});
