// A read-only view of the catalog shaped for SyncUpdates: software revisions in serving order (tier, then
// revision id), the parent bundles of each bundled package, and the drivers by hardware id. Rebuilt only when
// the catalog grows (publish), so a warm SyncUpdates does set arithmetic over prepared arrays.
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
  return { size: catalog.updates.length, software, drivers, parents, driversByHardwareId };
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
