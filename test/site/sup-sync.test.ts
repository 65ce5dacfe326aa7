// computeSoftwareSync works over dense revision slots for speed; it must answer exactly what the definition
// in site/sup/sync.ts says. The reference below is that definition written with Sets (the SUP's former
// code); both run on a generated catalog (two catalog versions) for many random clients and options.
import { describe, expect, it } from 'vitest';
import { IntListCache } from '../../protocol/wsus/index.ts';
import type { CatalogUpdate } from '../../site/catalog/types.ts';
import { generateCatalog } from '../../site/catalog/generate.ts';
import { buildSyncIndex, prerequisitesMet, type SyncIndex, TIER } from '../../site/sup/sync-index.ts';
import { computeSoftwareSync, type SoftwareSyncInput, type SoftwareSyncResult } from '../../site/sup/sync.ts';
import { SyncMemo } from '../../site/sup/sync-memo.ts';

function referenceSoftwareSync(index: SyncIndex, input: SoftwareSyncInput): SoftwareSyncResult {
  const installed = new Set(input.installedNonLeaf);
  const cached = new Set(input.installedNonLeaf);
  for (const id of input.otherCached) cached.add(id);
  const needed = new Set<number>();
  const fresh: CatalogUpdate[] = [];
  const changedUpdates: CatalogUpdate[] = [];
  for (const u of index.software) {
    if (u.catalogVersion > input.maxCatalogVersion || !prerequisitesMet(u, installed)) continue;
    if (input.omitted?.has(u.revisionId) || input.retired?.has(u.revisionId)) continue;
    needed.add(u.revisionId);
    if (input.ignoreCache || !cached.has(u.revisionId)) fresh.push(u);
    else if (input.changedSinceAnchor?.(u)) changedUpdates.push(u);
  }
  const newUpdates: CatalogUpdate[] = [];
  if (fresh.length > 0) {
    const tier = TIER[fresh[0]!.kind];
    const unpaged = input.pageSize === Number.POSITIVE_INFINITY;
    for (const u of fresh) {
      if (newUpdates.length >= input.pageSize) break;
      if (!unpaged && TIER[u.kind] !== tier) break;
      newUpdates.push(u);
    }
  }
  const outOfScopeRevisionIds: number[] = [];
  for (const id of cached) {
    if (needed.has(id) || (input.hideRetired && input.retired?.has(id))) continue;
    outOfScopeRevisionIds.push(id);
  }
  return { newUpdates, outOfScopeRevisionIds, changedUpdates, truncated: fresh.length > newUpdates.length };
}

describe('computeSoftwareSync', () => {
  it('answers as the Set definition for random caches, catalog versions, pages, retirements and violations', () => {
    const catalog = generateCatalog({ seed: 3, now: Date.UTC(2026, 11, 1), leafUpdates: 300 });
    catalog.publish(40, Date.UTC(2026, 11, 2));
    const index = buildSyncIndex(catalog);
    const all = index.software.map((u) => u.revisionId);
    const nonLeaf = index.software.filter((u) => !u.isLeaf).map((u) => u.revisionId);
    const driverIds = index.drivers.map((u) => u.revisionId);
    let seed = 5;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = (ids: readonly number[], p: number): number[] => ids.filter(() => rand(100) < p);
    // Ids no catalog revision has, duplicates, 0 and -0: the cache a client sends is not checked.
    const noise = (): number[] =>
      [0, -0, 7, 99_999_999, all[rand(all.length)]!, -5].filter(() => rand(3) === 0);
    let served = 0;
    let outOfScope = 0;
    let changed = 0;
    for (let n = 0; n < 400; n++) {
      const installedNonLeaf = pick(nonLeaf, [0, 30, 90, 100][n % 4]!).concat(noise());
      const otherCached = pick(all, [0, 20, 80, 100][(n >> 2) % 4]!)
        .concat(pick(driverIds, 50))
        .concat(noise());
      const retired = new Set(pick(all, n % 3 === 0 ? 5 : 0));
      const changedIds = new Set(pick(all, n % 5 === 0 ? 10 : 0));
      const input: SoftwareSyncInput = {
        installedNonLeaf,
        otherCached,
        pageSize: [50, 200, Number.POSITIVE_INFINITY][n % 3]!,
        ignoreCache: n % 7 === 0,
        maxCatalogVersion: n % 2 === 0 ? catalog.version : 1,
        omitted: n % 11 === 0 ? new Set(pick(all, 10)) : undefined,
        retired,
        hideRetired: n % 6 === 0,
        changedSinceAnchor: n % 4 === 1 ? undefined : (u) => changedIds.has(u.revisionId),
      };
      const fast = computeSoftwareSync(index, input);
      expect(fast).toEqual(referenceSoftwareSync(index, input));
      // -0 and 0 are one id in a Set, written as 0.
      expect(fast.outOfScopeRevisionIds.some((id) => Object.is(id, -0))).toBe(false);
      served += fast.newUpdates.length;
      outOfScope += fast.outOfScopeRevisionIds.length;
      changed += fast.changedUpdates.length;
    }
    // The cases above exercise every part of the answer.
    expect(served).toBeGreaterThan(0);
    expect(outOfScope).toBeGreaterThan(0);
    expect(changed).toBeGreaterThan(0);
  });

  it('answers as the Set definition over a sparse id space (the Map slots)', () => {
    const catalog = generateCatalog({ seed: 4, now: Date.UTC(2026, 11, 1), leafUpdates: 50 });
    const index = buildSyncIndex(catalog);
    const sparse: SyncIndex = buildSyncIndex({
      ...catalog,
      updates: catalog.updates.map((u) => ({
        ...u,
        revisionId: u.revisionId * 1000,
        prerequisites: {
          all: u.prerequisites.all.map((id) => id * 1000),
          atLeastOne: u.prerequisites.atLeastOne.map((g) => g.map((id) => id * 1000)),
        },
      })),
    } as typeof catalog);
    expect(sparse.slots.slotOf(index.software[0]!.revisionId * 1000)).toBeGreaterThanOrEqual(0);
    const nonLeaf = sparse.software.filter((u) => !u.isLeaf).map((u) => u.revisionId);
    const leafs = sparse.software.filter((u) => u.isLeaf).map((u) => u.revisionId);
    for (const otherCached of [[], leafs, leafs.slice(0, 10).concat([1, 2, 2.5])]) {
      const input: SoftwareSyncInput = {
        installedNonLeaf: nonLeaf,
        otherCached,
        pageSize: 20,
        ignoreCache: false,
        maxCatalogVersion: catalog.version,
      };
      expect(computeSoftwareSync(sparse, input)).toEqual(referenceSoftwareSync(sparse, input));
    }
  });
});

describe('SyncMemo', () => {
  it('answers as a fresh computation while the catalog is published to, retired from, paged and violated', () => {
    const catalog = generateCatalog({ seed: 6, now: Date.UTC(2026, 11, 1), leafUpdates: 120 });
    const lists = new IntListCache();
    const memo = new SyncMemo();
    let index = buildSyncIndex(catalog);
    const retired = new Set<number>();
    const nonLeaf = lists.add(
      'a',
      index.software.filter((u) => !u.isLeaf).map((u) => u.revisionId),
    );
    const leafs = lists.add(
      'b',
      index.software.filter((u) => u.isLeaf).map((u) => u.revisionId),
    );
    const own = [...leafs];
    let computed = 0;
    const check = (input: SoftwareSyncInput, installed?: readonly number[], other?: readonly number[]) => {
      const got = memo.compute(lists, index, input, installed, other, (i) => {
        computed++;
        return computeSoftwareSync(index, i);
      });
      expect(got).toEqual(computeSoftwareSync(index, input));
    };
    const base = (): SoftwareSyncInput => ({
      installedNonLeaf: nonLeaf,
      otherCached: leafs,
      pageSize: 50,
      ignoreCache: false,
      maxCatalogVersion: catalog.version,
      retired,
    });
    check(base(), nonLeaf, leafs);
    check(base(), nonLeaf, leafs);
    expect(computed).toBe(1);
    // Every input the answer depends on is part of the memory.
    check({ ...base(), pageSize: 10 }, nonLeaf, leafs);
    check({ ...base(), ignoreCache: true }, nonLeaf, leafs);
    check({ ...base(), hideRetired: true }, nonLeaf, leafs);
    check({ ...base(), maxCatalogVersion: 0 }, nonLeaf, leafs);
    expect(computed).toBe(5);
    retired.add(leafs[0]!);
    check(base(), nonLeaf, leafs);
    catalog.publish(5, Date.UTC(2026, 11, 2));
    index = buildSyncIndex(catalog);
    check(base(), nonLeaf, leafs);
    expect(computed).toBe(7);
    // Not remembered: deployments changed after the anchor, a skipped page, or lists that are not shared.
    check({ ...base(), changedSinceAnchor: () => true }, nonLeaf, leafs);
    check({ ...base(), changedSinceAnchor: () => false }, nonLeaf, leafs);
    check({ ...base(), omitted: new Set([leafs[1]!]) }, nonLeaf, leafs);
    check({ ...base(), otherCached: own }, nonLeaf, own);
    check({ ...base(), otherCached: own }, nonLeaf, own);
    expect(computed).toBe(12);
    // An absent list is a key of its own.
    check({ ...base(), otherCached: [] }, nonLeaf, undefined);
    check({ ...base(), otherCached: [] }, nonLeaf, undefined);
    expect(computed).toBe(13);
    // A cold scan sends no lists at all.
    check({ ...base(), installedNonLeaf: [], otherCached: [] }, undefined, undefined);
    check({ ...base(), installedNonLeaf: [], otherCached: [] }, undefined, undefined);
    expect(computed).toBe(14);
  });
});
