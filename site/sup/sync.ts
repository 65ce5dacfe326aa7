// The SyncUpdates server computation ([MS-WUSP] §3.1.5.7, protocol-reference §1.5) as pure functions over
// revision-id sets:
//   Needed   = catalog revisions whose prerequisites are all in InstalledNonLeafUpdateIDs
//   Cached   = InstalledNonLeafUpdateIDs ∪ OtherCachedUpdateIDs
//   New      = Needed − Cached, served one tier at a time (categories, detectoids, bundles, packages) in
//              pages of at most pageSize, Truncated while more of Needed − Cached remains. A client
//              keeps InstalledNonLeaf fixed within a round (W-PAGE), so Needed is the round's and
//              Truncated=false marks exactly the last page of a round; what the round's prerequisites
//              unlock comes in the client's next round
//   OutOfScope = Cached − Needed (retired revisions are never Needed: W-OOS)
//   Changed  = Needed ∩ Cached whose deployment changed after the cookie's anchor
import type { CatalogUpdate } from '../catalog/types.ts';
import { compiledPrerequisitesMet, prerequisitesMet, type SyncIndex, TIER } from './sync-index.ts';

export interface SoftwareSyncInput {
  installedNonLeaf: readonly number[];
  otherCached: readonly number[];
  /** NewUpdates per response; Infinity serves every eligible revision at once. */
  pageSize: number;
  /** Treat the client as having nothing cached (the 'full-resync-every-scan' violation). */
  ignoreCache: boolean;
  /** Serve only revisions published in catalog versions up to this one. */
  maxCatalogVersion: number;
  /** Revisions left out as if they did not exist (the 'skip-page' violation only). */
  omitted?: ReadonlySet<number>;
  /** Revisions an admin took out of scope (W-OOS): never new, named out of scope when cached. */
  retired?: ReadonlySet<number>;
  /** 'no-out-of-scope': retired revisions a client has cached are not named out of scope. */
  hideRetired?: boolean;
  /** True when the deployment state of this revision changed after the client's anchor; absent when no
   *  deployment changed after it (no revision can have). */
  changedSinceAnchor?: (u: CatalogUpdate) => boolean;
}

export interface SoftwareSyncResult {
  newUpdates: CatalogUpdate[];
  outOfScopeRevisionIds: number[];
  changedUpdates: CatalogUpdate[];
  truncated: boolean;
}

export function computeSoftwareSync(index: SyncIndex, input: SoftwareSyncInput): SoftwareSyncResult {
  // The Sets of the definition (Installed, Cached, Needed) are marks over the index's revision slots; ids
  // no catalog revision or prerequisite has (slot -1) can only ever be cached, never needed.
  const { slots, software, softwareSlot, softwareCatalogVersion, prerequisiteSets, softwarePrerequisiteSet } =
    index;
  const gen = slots.next();
  const { installed, cached, needed, emitted } = slots;
  for (const id of input.installedNonLeaf) {
    const slot = slots.slotOf(id);
    if (slot >= 0) installed[slot] = cached[slot] = gen;
  }
  for (const id of input.otherCached) {
    const slot = slots.slotOf(id);
    if (slot >= 0) cached[slot] = gen;
  }

  const met = new Uint8Array(prerequisiteSets.length);
  for (let set = 0; set < met.length; set++)
    met[set] = compiledPrerequisitesMet(prerequisiteSets[set]!, installed, gen) ? 1 : 0;

  const { maxCatalogVersion, omitted, ignoreCache, changedSinceAnchor } = input;
  const retired = input.retired !== undefined && input.retired.size > 0 ? input.retired : undefined;
  const fresh: CatalogUpdate[] = [];
  const changedUpdates: CatalogUpdate[] = [];
  for (let i = 0; i < software.length; i++) {
    if (softwareCatalogVersion[i]! > maxCatalogVersion || met[softwarePrerequisiteSet[i]!] === 0) continue;
    const u = software[i]!;
    if (omitted?.has(u.revisionId) || retired?.has(u.revisionId)) continue;
    const slot = softwareSlot[i]!;
    needed[slot] = gen;
    if (ignoreCache || cached[slot] !== gen) fresh.push(u);
    else if (changedSinceAnchor?.(u)) changedUpdates.push(u);
  }

  // `fresh` is in serving order already; serve the lowest tier present, one page of it.
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

  // Cached − Needed in the order of Cached (InstalledNonLeaf first, then OtherCached), each id once.
  const outOfScopeRevisionIds: number[] = [];
  const hidden = input.hideRetired ? retired : undefined;
  let unknownSeen: Set<number> | undefined;
  const consider = (given: number): void => {
    // Set semantics (SameValueZero): -0 and 0 are one id, kept as 0.
    const id = given === 0 ? 0 : given;
    const slot = slots.slotOf(id);
    if (slot >= 0) {
      if (emitted[slot] === gen) return;
      emitted[slot] = gen;
      if (needed[slot] === gen) return;
    } else {
      unknownSeen ??= new Set();
      if (unknownSeen.has(id)) return;
      unknownSeen.add(id);
    }
    if (hidden?.has(id)) return;
    outOfScopeRevisionIds.push(id);
  };
  for (const id of input.installedNonLeaf) consider(id);
  for (const id of input.otherCached) consider(id);

  return { newUpdates, outOfScopeRevisionIds, changedUpdates, truncated: fresh.length > newUpdates.length };
}

/**
 * 'skip-page': the revisions of one page the SUP never serves, the second page of the leaf tier (the
 * first when the leaf tier fits in one page). The client cannot tell: the pages it does get end with
 * Truncated=false as usual.
 */
export function skippedPage(index: SyncIndex, pageSize: number): Set<number> {
  const leafs = index.software.filter((u) => u.kind === 'leaf');
  const start = leafs.length > pageSize ? pageSize : 0;
  return new Set(leafs.slice(start, start + pageSize).map((u) => u.revisionId));
}

export interface DriverSyncInput {
  /** Every HardwareID of every SystemSpec device. */
  hardwareIds: readonly string[];
  cachedDriverIds: readonly number[];
  installedNonLeaf: readonly number[];
  maxCatalogVersion: number;
}

export interface DriverSyncResult {
  newUpdates: CatalogUpdate[];
  /** Nothing in the catalog matches any device: the client can skip driver work. */
  driverSyncNotNeeded: boolean;
}

export function computeDriverSync(index: SyncIndex, input: DriverSyncInput): DriverSyncResult {
  const installed = new Set(input.installedNonLeaf);
  const cached = new Set(input.cachedDriverIds);
  const matched = new Map<number, CatalogUpdate>();
  for (const hwid of input.hardwareIds) {
    for (const d of index.driversByHardwareId.get(hwid.toUpperCase()) ?? []) {
      if (d.catalogVersion <= input.maxCatalogVersion && prerequisitesMet(d, installed))
        matched.set(d.revisionId, d);
    }
  }
  const newUpdates = [...matched.values()].filter((d) => !cached.has(d.revisionId));
  newUpdates.sort((a, b) => a.revisionId - b.revisionId);
  return { newUpdates, driverSyncNotNeeded: matched.size === 0 };
}
