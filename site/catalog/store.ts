// The in-memory Catalog: revisions in publication order plus the lookups every front-end needs. Shared by
// the SUP, MP and DP of one site; read-mostly (only publish() appends).
import type { GeneratedFile } from './content.ts';
import type { Catalog, CatalogFile, CatalogUpdate, RetireReason, Retirement } from './types.ts';

/** A catalog revision whose Extended fragment is rendered on first use (it needs the file hashes). */
export class GeneratedUpdate implements CatalogUpdate {
  revisionId!: number;
  updateId!: string;
  revisionNumber!: number;
  kind!: CatalogUpdate['kind'];
  isLeaf!: boolean;
  title!: string;
  kb?: string;
  prerequisites!: { all: number[]; atLeastOne: number[][] };
  bundled!: number[];
  supersededBy?: number;
  applicableBuilds!: number[];
  files!: GeneratedFile[];
  coreXml!: string;
  localizedXml!: string;
  catalogVersion!: number;
  publishedAt!: number;
  hardwareIds?: string[];
  #renderExtended: () => string = () => '';
  #extendedXml: string | undefined;

  static create(fields: Omit<CatalogUpdate, 'extendedXml'>): GeneratedUpdate {
    return Object.assign(new GeneratedUpdate(), fields);
  }

  /** Sets how the Extended fragment is rendered once asked for (it needs the files' hashes). */
  renderExtendedWith(render: () => string): void {
    this.#renderExtended = render;
    this.#extendedXml = undefined;
  }

  get extendedXml(): string {
    this.#extendedXml ??= this.#renderExtended();
    return this.#extendedXml;
  }
}

export interface Publisher {
  /** Creates `count` new leaf updates (plus their bundles) stamped with this version and time. */
  release(count: number, version: number, now: number): GeneratedUpdate[];
}

export class CatalogStore implements Catalog {
  readonly updateSourceId: string;
  readonly #updates: GeneratedUpdate[] = [];
  readonly #byRevision = new Map<number, GeneratedUpdate>();
  readonly #byUpdateId = new Map<string, GeneratedUpdate>();
  readonly #byContentId = new Map<string, { update: CatalogUpdate; file: GeneratedFile }>();
  /** Filled as file hashes get computed (see content.ts: hashing is lazy). */
  readonly #bySha1Hex = new Map<string, { update: CatalogUpdate; file: CatalogFile }>();
  readonly #retired = new Map<number, Retirement>();
  /** The keys of #retired, kept as a set: SyncUpdates asks it for every revision it serves. */
  readonly #retiredIds = new Set<number>();
  #version = 1;
  #lastChange: number;
  #publisher: Publisher | undefined;

  constructor(updateSourceId: string, now: number) {
    this.updateSourceId = updateSourceId;
    this.#lastChange = now;
  }

  get version(): number {
    return this.#version;
  }

  get lastChange(): number {
    return this.#lastChange;
  }

  get updates(): readonly CatalogUpdate[] {
    return this.#updates;
  }

  setPublisher(publisher: Publisher): void {
    this.#publisher = publisher;
  }

  add(update: GeneratedUpdate): void {
    if (this.#byRevision.has(update.revisionId))
      throw new Error(`duplicate revision id ${update.revisionId}`);
    this.#updates.push(update);
    this.#byRevision.set(update.revisionId, update);
    this.#byUpdateId.set(update.updateId, update);
    for (const file of update.files) this.#byContentId.set(file.contentId, { update, file });
  }

  /** Called by a file once its hashes exist, so content lookups by SHA-1 can find it. */
  fileHashed(file: GeneratedFile): void {
    const entry = this.#byContentId.get(file.contentId);
    if (entry) this.#bySha1Hex.set(file.sha1.toString('hex').toUpperCase(), entry);
  }

  byRevision(revisionId: number): CatalogUpdate | undefined {
    return this.#byRevision.get(revisionId);
  }

  byUpdateId(updateId: string): CatalogUpdate | undefined {
    return this.#byUpdateId.get(updateId.toLowerCase());
  }

  fileByContentId(contentId: string): { update: CatalogUpdate; file: CatalogFile } | undefined {
    return this.#byContentId.get(contentId.toLowerCase());
  }

  fileBySha1Hex(sha1Hex: string): { update: CatalogUpdate; file: CatalogFile } | undefined {
    const key = sha1Hex.toUpperCase();
    const hit = this.#bySha1Hex.get(key);
    if (hit || this.#bySha1Hex.size === this.#byContentId.size) return hit;
    // Not hashed yet: hash the remaining files (once per catalog; each file is hashed at most once).
    for (const { file } of this.#byContentId.values()) if (!file.hashed) void file.sha1;
    return this.#bySha1Hex.get(key);
  }

  publish(count: number, now: number): CatalogUpdate[] {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`publish count must be an integer >= 1, got ${count}`);
    if (!this.#publisher) throw new Error('catalog has no publisher');
    const version = this.#version + 1;
    const added = this.#publisher.release(count, version, now);
    for (const u of added) this.add(u);
    this.#version = version;
    this.#lastChange = Math.max(now, this.#lastChange + 1);
    return added;
  }

  retire(revisionIds: readonly number[], reason: RetireReason, now: number): CatalogUpdate[] {
    const retired: CatalogUpdate[] = [];
    for (const id of revisionIds) {
      const u = this.#byRevision.get(id);
      if (!u) throw new RangeError(`revision ${id} is not in the catalog`);
      if (u.kind === 'driver')
        throw new RangeError(`revision ${id} is a driver; only software revisions retire`);
      if (this.#retired.has(id)) continue;
      this.#retired.set(id, { reason, at: now });
      this.#retiredIds.add(id);
      retired.push(u);
    }
    return retired;
  }

  retirement(revisionId: number): Retirement | undefined {
    return this.#retired.get(revisionId);
  }

  get retiredIds(): ReadonlySet<number> {
    return this.#retiredIds;
  }

  contentBytes(file: CatalogFile, start: number, endExclusive: number): Buffer {
    const own = this.#byContentId.get(file.contentId.toLowerCase());
    if (!own) throw new RangeError(`file ${file.contentId} is not part of this catalog`);
    return own.file.bytes(start, endExclusive);
  }
}
