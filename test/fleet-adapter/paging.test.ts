// W-PAGE end to end: fresh clients cold-scan a catalog that the reference site serves a few revisions
// per SyncUpdates (its syncPageSize), so the software pass takes dozens of pages. The client pages as WUA
// does in the real capture: the next page while Truncated, a new round (more InstalledNonLeafUpdateIDs)
// only after a round that brought prerequisites, then the driver pass — no extra page that comes back
// empty (until issue 10 the client paged until an empty reply: one more SyncUpdates per scan). It must
// end up with every in-scope revision exactly once. What is in scope comes from the same fleet (same
// seeds) against a site that serves each tier in one page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetBehaviour } from '../../harness/client/fleet-behaviour.ts';
import { createNodePlatform, createRegistrationSigner } from '../../harness/engine/node-platform.ts';
import { scanSyncUpdatesSummary } from '../../protocol/wsus/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { BehaviourLoop, shardContext } from './behaviour-loop.ts';
import { freshFleetOptions, startTestSite, T0 } from './site.ts';

const HOUR = 3_600_000;
const CLIENTS = 4;
const SMALL_PAGE = 7;
/** The site's largest page: every tier of the catalog fits in one. */
const WHOLE_TIER_PAGE = 100_000;

interface Page {
  newIds: number[];
  truncated: boolean;
  /** InstalledNonLeafUpdateIDs the request sent: constant within a round. */
  installed: number;
}

/** Per client, the software-pass SyncUpdates replies of its first (cold) scan, in order. */
type ColdScanPages = Map<number, Page[]>;

async function coldScansAgainst(pageSize: number): Promise<{ pages: ColdScanPages; site: RunningSite }> {
  const site = await startTestSite({ syncPageSize: pageSize });
  const options = freshFleetOptions(site);
  const behaviour = new FleetBehaviour(
    shardContext(CLIENTS, 3, T0),
    options,
    await createRegistrationSigner(),
    createNodePlatform(),
  );
  const loop = new BehaviourLoop(behaviour, CLIENTS, site.model.clock);
  const pages: ColdScanPages = new Map();
  const coldScanDone = new Set<number>();
  loop.inspect = (client, action, result) => {
    if (action.operation !== 'wsus.SyncUpdates' || !result.ok || result.status !== 200) return;
    const body = typeof action.body === 'string' ? action.body : '';
    if (body.includes('<SkipSoftwareSync>true')) {
      coldScanDone.add(client); // the driver pass follows the software pass
      return;
    }
    if (coldScanDone.has(client)) return;
    const { newIds, truncated } = scanSyncUpdatesSummary(Buffer.from(result.body).toString('utf8'));
    const installedList = /<InstalledNonLeafUpdateIDs>(.*?)<\/InstalledNonLeafUpdateIDs>/s.exec(body)?.[1];
    const installed = installedList?.match(/<int>/g)?.length ?? 0;
    pages.set(client, [...(pages.get(client) ?? []), { newIds, truncated, installed }]);
  };
  try {
    await loop.runUntil(T0 + 3 * HOUR);
    expect(coldScanDone.size, 'every client finished its cold scan').toBe(CLIENTS);
    expect(behaviour.fleet.counters.coldScans).toBe(CLIENTS);
  } finally {
    await loop.close();
  }
  return { pages, site };
}

let paged: ColdScanPages;
let whole: ColdScanPages;
const sites: RunningSite[] = [];

beforeAll(async () => {
  const small = await coldScansAgainst(SMALL_PAGE);
  sites.push(small.site);
  paged = small.pages;
  const large = await coldScansAgainst(WHOLE_TIER_PAGE);
  sites.push(large.site);
  whole = large.pages;
}, 180_000);

afterAll(async () => {
  await Promise.all(sites.map((s) => s.stop()));
});

describe('W-PAGE: SyncUpdates paging', () => {
  it('pages while Truncated, starts a round only after prerequisites, and asks for no empty page', () => {
    for (let c = 0; c < CLIENTS; c++) {
      const pages = paged.get(c)!;
      const received = pages.reduce((n, p) => n + p.newIds.length, 0);
      expect(pages.length, `client ${c}`).toBeGreaterThanOrEqual(Math.ceil(received / SMALL_PAGE));
      expect(pages.every((p) => p.newIds.length > 0 && p.newIds.length <= SMALL_PAGE)).toBe(true);
      // Rounds: runs of pages sent with the same installed non-leaf ids.
      const rounds: Page[][] = [];
      for (const p of pages) {
        const round = rounds.at(-1);
        if (round && round[0]!.installed === p.installed) round.push(p);
        else rounds.push([p]);
      }
      expect(rounds.length, `client ${c}: a cold scan unlocks updates in rounds`).toBeGreaterThan(1);
      for (const [r, round] of rounds.entries()) {
        expect(
          round.map((p) => p.truncated),
          `client ${c} round ${r}`,
        ).toEqual(round.map((_, i) => i < round.length - 1));
        if (r > 0) expect(round[0]!.installed).toBeGreaterThan(rounds[r - 1]![0]!.installed);
      }
    }
  });

  it('receives every in-scope revision exactly once', () => {
    const count = (m: ColdScanPages, c: number) => m.get(c)!.reduce((n, p) => n + p.newIds.length, 0);
    console.log(
      `W-PAGE: client 0 received ${count(paged, 0)} revisions in ${paged.get(0)!.length} pages of <= ${SMALL_PAGE}, ` +
        `${count(whole, 0)} in ${whole.get(0)!.length} pages of one tier each`,
    );
    for (let c = 0; c < CLIENTS; c++) {
      const ids = paged.get(c)!.flatMap((p) => p.newIds);
      expect(new Set(ids).size, `client ${c}: no revision twice`).toBe(ids.length);
      const inScope = whole.get(c)!.flatMap((p) => p.newIds);
      // The one-page-per-tier site takes a handful of pages; the small-page site dozens for the same set.
      expect(whole.get(c)!.length).toBeLessThan(paged.get(c)!.length / 3);
      expect(new Set(ids)).toEqual(new Set(inScope));
    }
  });
});
