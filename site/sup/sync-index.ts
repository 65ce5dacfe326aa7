// A read-only view of the catalog shaped for SyncUpdates: software revisions in serving order (tier, then
// revision id), the parent bundles of each bundled package, and the drivers by hardware id. Rebuilt only when
// the catalog grows (publish), so a warm SyncUpdates does set arithmetic over prepared arrays.
//
// A warm client sends its whole cache (thousands of revision ids) with every scan, so the software pass works
// on dense slots instead of Sets: every revision id the computation can ask about (catalog revisions and the
// ids their prerequisites name) has a slot, prerequisites are precompiled to slot lists, and a request marks
// slots in typed arrays stamped with a per-request generation (no clearing, no allocation per id).
import type { Catalog, CatalogUpdate, UpdateKind } from '../catalog/types.ts';

/** Serving tiers: real WSUS (and Microsoft's reference server) offer roots first, leaf software last. */
export const TIER: Record<UpdateKind, number> = { category: 0, detectoid: 1, bundle: 2, leaf: 3, driver: 4 };

export interface SyncIndex {
  /** How many catalog revisions the index covers (rebuild when the catalog has more). */
  readonly size: number;
  /** Software revisions (no drivers) sorted by tier, then revision id. */
  readonly software: readonly CatalogUpdate[];
  readonly drivers: readonly CatalogUpdate[];
  /** Bundled package revision id -> the bundles that contain it. */
  readonly parents: ReadonlyMap<number, readonly CatalogUpdate[]>;
  /** Upper-case hardware id -> drivers that match it. */
  readonly driversByHardwareId: ReadonlyMap<string, readonly CatalogUpdate[]>;
  /** Dense slots of revision ids and the per-request marks over them (the software pass's Sets). */
  readonly slots: RevisionSlots;
  /** software[i]'s slot. */
  readonly softwareSlot: Int32Array;
  /** software[i]'s catalogVersion (read per revision per request: a flat array, not the update objects). */
  readonly softwareCatalogVersion: Float64Array;
  /** The distinct prerequisite sets of software revisions, as slots (a catalog has a few dozen: the
   *  detectoids of each OS build and product), so a request evaluates each once, not once per revision. */
  readonly prerequisiteSets: readonly CompiledPrerequisites[];
  /** software[i]'s prerequisite set (an index into prerequisiteSets). */
  readonly softwarePrerequisiteSet: Int32Array;
}

export interface CompiledPrerequisites {
  all: Int32Array;
  atLeastOne: readonly Int32Array[];
}

/** A dense table is used while the id range is at most this many times the number of ids (else a Map). */
const DENSE_RANGE_FACTOR = 4;

/**
 * Revision id -> slot, and generation-stamped marks per slot. A mark is "set" when it holds the current
 * generation, so starting a request (next()) clears every mark at once. Single-threaded and synchronous:
 * one request uses the marks from next() to its last read, as the SUP's handlers do.
 */
export class RevisionSlots {
  readonly count: number;
  readonly #base: number;
  readonly #table: Int32Array | undefined;
  readonly #map: Map<number, number> | undefined;
  readonly installed: Uint32Array;
  readonly cached: Uint32Array;
  readonly needed: Uint32Array;
  readonly emitted: Uint32Array;
  #generation = 0;

  constructor(ids: Iterable<number>) {
    const distinct = [...new Set(ids)];
    this.count = distinct.length;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const id of distinct) {
      if (id < min) min = id;
      if (id > max) max = id;
    }
    const range = max - min + 1;
    const dense =
      distinct.length > 0 &&
      distinct.every(Number.isSafeInteger) &&
      range <= DENSE_RANGE_FACTOR * distinct.length + 1024;
    this.#base = dense ? min : 0;
    if (dense) {
      this.#table = new Int32Array(range).fill(-1);
      distinct.forEach((id, slot) => {
        this.#table![id - min] = slot;
      });
    } else {
      this.#map = new Map(distinct.map((id, slot) => [id, slot]));
    }
    this.installed = new Uint32Array(this.count);
    this.cached = new Uint32Array(this.count);
    this.needed = new Uint32Array(this.count);
    this.emitted = new Uint32Array(this.count);
  }

  /** The slot of a revision id, or -1 when no catalog revision or prerequisite has that id. */
  slotOf(id: number): number {
    if (this.#table !== undefined) {
      const at = id - this.#base;
      // Array indices are integers in range; anything else (fractions, NaN, out of range) has no slot.
      return at >= 0 && at < this.#table.length && Number.isInteger(at) ? this.#table[at]! : -1;
    }
    return this.#map!.get(id) ?? -1;
  }

  /** Starts a request: a new generation, so every mark reads as unset. Returns the generation. */
  next(): number {
    this.#generation = (this.#generation + 1) >>> 0;
    if (this.#generation === 0) {
      // After 2^32 - 1 requests the stamps wrap: clear them so an old stamp never reads as current.
      for (const marks of [this.installed, this.cached, this.needed, this.emitted]) marks.fill(0);
      this.#generation = 1;
    }
    return this.#generation;
  }
}

export function buildSyncIndex(catalog: Catalog): SyncIndex {
  const software: CatalogUpdate[] = [];
  const drivers: CatalogUpdate[] = [];
  const parents = new Map<number, CatalogUpdate[]>();
  const driversByHardwareId = new Map<string, CatalogUpdate[]>();
  for (const u of catalog.updates) {
    if (u.kind === 'driver') {
      drivers.push(u);
      for (const hwid of u.hardwareIds ?? []) {
        const key = hwid.toUpperCase();
        const list = driversByHardwareId.get(key) ?? [];
        list.push(u);
        driversByHardwareId.set(key, list);
      }
      continue;
    }
    software.push(u);
    for (const child of u.bundled) {
      const list = parents.get(child) ?? [];
      list.push(u);
      parents.set(child, list);
    }
  }
  software.sort((a, b) => TIER[a.kind] - TIER[b.kind] || a.revisionId - b.revisionId);
  const slots = new RevisionSlots(revisionIdsOf(catalog.updates));
  const softwareSlot = Int32Array.from(software, (u) => slots.slotOf(u.revisionId));
  const softwareCatalogVersion = Float64Array.from(software, (u) => u.catalogVersion);
  const toSlots = (ids: readonly number[]): Int32Array => Int32Array.from(ids, (id) => slots.slotOf(id));
  const prerequisiteSets: CompiledPrerequisites[] = [];
  const setByKey = new Map<string, number>();
  const softwarePrerequisiteSet = Int32Array.from(software, (u) => {
    const key = JSON.stringify(u.prerequisites);
    let set = setByKey.get(key);
    if (set === undefined) {
      set = prerequisiteSets.length;
      prerequisiteSets.push({
        all: toSlots(u.prerequisites.all),
        atLeastOne: u.prerequisites.atLeastOne.map(toSlots),
      });
      setByKey.set(key, set);
    }
    return set;
  });
  return {
    size: catalog.updates.length,
    software,
    drivers,
    parents,
    driversByHardwareId,
    slots,
    softwareSlot,
    softwareCatalogVersion,
    prerequisiteSets,
    softwarePrerequisiteSet,
  };
}

/** Every revision id the software pass looks up: the catalog's and those its prerequisites name. */
function* revisionIdsOf(updates: readonly CatalogUpdate[]): Generator<number> {
  for (const u of updates) {
    yield u.revisionId;
    yield* u.prerequisites.all;
    for (const group of u.prerequisites.atLeastOne) yield* group;
  }
}

/** True when every `all` prerequisite and at least one of each `atLeastOne` group is installed. */
export function prerequisitesMet(u: CatalogUpdate, installed: ReadonlySet<number>): boolean {
  for (const id of u.prerequisites.all) if (!installed.has(id)) return false;
  for (const group of u.prerequisites.atLeastOne) {
    let any = false;
    for (const id of group) {
      if (installed.has(id)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

/** prerequisitesMet over slots: `installed[slot] === generation` means installed. */
export function compiledPrerequisitesMet(
  p: CompiledPrerequisites,
  installed: Uint32Array,
  generation: number,
): boolean {
  const all = p.all;
  for (let i = 0; i < all.length; i++) if (installed[all[i]!] !== generation) return false;
  for (const group of p.atLeastOne) {
    let any = false;
    for (let i = 0; i < group.length; i++) {
      if (installed[group[i]!] === generation) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}
