// One worker's live view of the catalog: the discovered CatalogKnowledge plus everything its clients'
// scans learned since, and the FleetCatalog tables the fleet model reads. Shared by every client of the
// shard; a client's cache is a prefix of its machine type's lists (W-DELTA without per-client copies).
//
// Per machine type (OS build) the cache is kept in three lists, each in the order it was learned:
//  - the fleet's MachineUpdateTable: the software updates (leaf revisions) the client evaluates and
//    reports state for; a client with cachedCount c caches the first c;
//  - installed non-leaf (applicable categories and detectoids) and other non-leaf revisions;
//  - drivers of the driver pass.
// Non-leaf and driver entries carry a mark: the table length when they were learned. A client with
// cachedCount c > 0 caches the entries whose mark is <= c (discovered ones have mark 0). New categories
// are rare (a catalog publish adds software updates), so this approximation costs nothing in practice.
import {
  FleetCatalog,
  type FleetConfig,
  type MachineUpdateTable,
  SIMPLE_TARGETING,
  type WsusAuthorization,
} from '../fleet/index.ts';
import type { UpdateInfo } from '../../protocol/wsus/index.ts';
import {
  appliesTo,
  type CatalogKnowledge,
  isSoftwareUpdate,
  type KnownUpdate,
  type MachineKnowledge,
} from './knowledge.ts';
import { knownUpdateFromInfo } from './update-metadata.ts';

/** Where a revision went in a machine type's cache. */
export type Placement = 'table' | 'installed' | 'other' | 'driver';

class MarkedList {
  readonly ids: number[] = [];
  readonly marks: number[] = [];

  push(id: number, mark: number): void {
    this.ids.push(id);
    this.marks.push(mark);
  }

  /** How many entries a client with cachedCount c holds (marks are non-decreasing). */
  countFor(c: number): number {
    if (c <= 0) return 0;
    let lo = 0;
    let hi = this.marks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.marks[mid]! <= c) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class MachineCache {
  readonly installed = new MarkedList();
  readonly other = new MarkedList();
  readonly drivers = new MarkedList();
  /** Global indices placed in the non-table lists (the table is idempotent itself). */
  readonly #placed = new Set<number>();
  /** The last prefix built for a SyncUpdates request (most clients of a type share one cachedCount). */
  #memo: { c: number; length: number; installed: number[]; other: number[] } | undefined;

  constructor(
    readonly build: number,
    readonly table: MachineUpdateTable,
    readonly updates: readonly KnownUpdate[],
  ) {}

  place(global: number, update: KnownUpdate): Placement {
    if (isSoftwareUpdate(update)) {
      this.table.add(global, appliesTo(update, this.build), update.needsRestart);
      return 'table';
    }
    const where: Placement =
      update.kind === 'driver'
        ? 'driver'
        : !update.isLeaf && appliesTo(update, this.build)
          ? 'installed'
          : 'other';
    if (!this.#placed.has(global)) {
      this.#placed.add(global);
      const list = where === 'driver' ? this.drivers : where === 'installed' ? this.installed : this.other;
      list.push(update.revisionId, this.table.length);
    }
    return where;
  }

  /** InstalledNonLeaf and OtherCached revision ids of a client caching `c` table positions (shared arrays: don't modify). */
  cacheFor(c: number): { installed: number[]; other: number[] } {
    const length = this.installed.ids.length + this.other.ids.length + this.table.length;
    const memo = this.#memo;
    if (memo && memo.c === c && memo.length === length) return memo;
    const installed = this.installed.ids.slice(0, this.installed.countFor(c));
    const other = this.other.ids.slice(0, this.other.countFor(c));
    const upTo = Math.min(c, this.table.length);
    for (let p = 0; p < upTo; p++) other.push(this.updates[this.table.updateAt(p)]!.revisionId);
    this.#memo = { c, length, installed, other };
    return this.#memo;
  }

  driversFor(c: number): number[] {
    return this.drivers.ids.slice(0, this.drivers.countFor(c));
  }
}

export class ShardKnowledge {
  readonly updates: KnownUpdate[];
  readonly catalog: FleetCatalog;
  readonly machines: MachineCache[];
  /** The SUP's GetConfig LastChange and extended-info limit as last seen (a warm client's cached config). */
  lastChange: string;
  maxExtendedUpdatesPerRequest: number;
  /** GetConfig's AuthInfo and IsRegistrationRequired as last seen (W-AUTH, W-CONFIG). */
  authorization: WsusAuthorization;
  registrationRequired: boolean;
  /** Revisions whose Extended fragment this shard has read (files, restart behaviour). */
  readonly extendedRead = new Set<number>();
  /** Revisions learned from the wire after discovery (each parsed once per shard). */
  learned = 0;
  readonly #byRevision = new Map<number, number>();
  readonly #byGuid = new Map<string, number>();

  constructor(knowledge: CatalogKnowledge, config: FleetConfig) {
    // Own copies: the fleet appends, and structured-clone input may be shared in a single-thread test.
    this.updates = knowledge.updates.map((u) => ({ ...u, files: [...u.files] }));
    this.lastChange = knowledge.lastChange;
    this.maxExtendedUpdatesPerRequest = knowledge.maxExtendedUpdatesPerRequest;
    this.authorization = knowledge.authorization ?? SIMPLE_TARGETING;
    this.registrationRequired = knowledge.registrationRequired ?? true;
    this.updates.forEach((u, g) => {
      this.#index(u, g);
      if (u.files.length > 0 || u.kb !== undefined) this.extendedRead.add(g);
    });
    this.catalog = new FleetCatalog(config.machines.length);
    this.machines = config.machines.map((m, i) => {
      const cache = new MachineCache(m.build, this.catalog.table(i), this.updates);
      const known = knowledge.machines.find((k) => k.build === m.build);
      if (known) this.#fill(cache, known);
      return cache;
    });
  }

  globalOfRevision(revisionId: number): number | undefined {
    return this.#byRevision.get(revisionId);
  }

  globalOfGuid(updateId: string): number | undefined {
    return this.#byGuid.get(updateId.toLowerCase());
  }

  /**
   * The global index of a revision from its UpdateInfo, learning it (one Core fragment parse per shard)
   * when it is new. A placeholder made for a deployed GUID before any scan saw it is filled in.
   */
  learn(info: UpdateInfo): number {
    const known = this.#byRevision.get(info.id);
    if (known !== undefined) return known;
    const update = knownUpdateFromInfo(info);
    this.learned++;
    const pending = update.updateId ? this.#byGuid.get(update.updateId) : undefined;
    if (pending !== undefined && this.updates[pending]!.revisionId < 0) {
      Object.assign(this.updates[pending]!, update);
      this.#byRevision.set(update.revisionId, pending);
      return pending;
    }
    this.updates.push(update);
    const g = this.updates.length - 1;
    this.#index(update, g);
    return g;
  }

  /** The global index of a deployed update GUID; a placeholder (revision -1) until a scan learns it. */
  referenceGuid(updateId: string): number {
    const id = updateId.toLowerCase();
    const known = this.#byGuid.get(id);
    if (known !== undefined) return known;
    this.updates.push({
      revisionId: -1,
      updateId: id,
      revisionNumber: 0,
      kind: 'software',
      isLeaf: true,
      applicableBuilds: [],
      bundled: [],
      needsRestart: false,
      files: [],
    });
    const g = this.updates.length - 1;
    this.#byGuid.set(id, g);
    return g;
  }

  /**
   * Records the DP content ids a deployment policy gave for its files (D-DP: a real client learns the
   * content of a deployed update from its policy, then asks the MP where that content is). Files are
   * matched by SHA-1 because a deployed bundle's content is listed under the bundle's GUID. Returns how
   * many known files got an id. Deployments are rare, so a scan over the known files is cheap enough.
   */
  assignContentIds(contents: readonly { contentId: string; sha1: string }[]): number {
    const bySha1 = new Map(contents.map((c) => [c.sha1.toLowerCase(), c.contentId]));
    let assigned = 0;
    for (const u of this.updates) {
      for (const f of u.files) {
        const id = bySha1.get(f.sha1Hex.toLowerCase());
        if (id !== undefined && f.contentId !== id) {
          f.contentId = id;
          assigned++;
        }
      }
    }
    return assigned;
  }

  #index(u: KnownUpdate, g: number): void {
    if (u.revisionId >= 0) this.#byRevision.set(u.revisionId, g);
    if (u.updateId) this.#byGuid.set(u.updateId, g);
  }

  #fill(cache: MachineCache, known: MachineKnowledge): void {
    for (const id of [...known.installedNonLeaf, ...known.otherCached, ...known.drivers]) {
      const g = this.#byRevision.get(id);
      if (g !== undefined) cache.place(g, this.updates[g]!);
    }
  }
}
