// Builds catalog revisions: the category tree, one detectoid per OS build, stream releases (bundle + leaf
// packages with files, superseding earlier releases) and drivers. Holds the seeded PRNG and the counters, so
// later publish() calls continue the same deterministic sequence.
import type { OsBuild } from './builds.ts';
import { ContentSource, GeneratedFile } from './content.ts';
import * as frag from './fragments.ts';
import { CLASSIFICATIONS, type Classification, type Stream } from './series.ts';
import { CatalogStore, GeneratedUpdate, type Publisher } from './store.ts';
import { Prng } from './prng.ts';
import type { CatalogUpdate, UpdateKind } from './types.ts';

export interface FileSizeRange {
  min: number;
  max: number;
}

/** How many earlier releases a bundle lists under SupersededUpdates (real bundles list ~26 on average). */
const SUPERSEDED_LISTED = 12;
const FIRST_REVISION_ID = 100_001;
const FIRST_KB = 5_030_000;

/** Well-known PnP ids (NICs, Wi-Fi, audio, GPUs, virtual hardware); emulated machines report some of them. */
export const DRIVER_HARDWARE_IDS: readonly string[] = [
  'PCI\\VEN_8086&DEV_15BC',
  'PCI\\VEN_8086&DEV_2723',
  'PCI\\VEN_10EC&DEV_8168',
  'HDAUDIO\\FUNC_01&VEN_10EC&DEV_0295',
  'PCI\\VEN_8086&DEV_9A49',
  'PCI\\VEN_10DE&DEV_2484',
  'USB\\VID_8087&PID_0026',
  'PCI\\VEN_8086&DEV_A0E8',
  'PCI\\VEN_1AF4&DEV_1000',
  'PCI\\VEN_1AF4&DEV_1001',
  'PCI\\VEN_15AD&DEV_07B0',
  'PCI\\VEN_1414&DEV_5353',
];

interface StreamState {
  stream: Stream;
  releases: number;
  /** Update GUIDs of earlier bundles, newest last. */
  bundleIds: string[];
  lastBundle?: GeneratedUpdate;
  lastLeafs: GeneratedUpdate[];
}

export class CatalogBuilder implements Publisher {
  readonly store: CatalogStore;
  readonly #prng: Prng;
  readonly #content: ContentSource;
  readonly #fileSizes: FileSizeRange;
  #nextRevision = FIRST_REVISION_ID;
  #nextKb = FIRST_KB;
  #nextFileKey = 1;
  readonly #categories = new Map<string, GeneratedUpdate>();
  readonly #detectoids = new Map<number, GeneratedUpdate>();
  readonly #streams: StreamState[] = [];

  constructor(seed: number | string, now: number, fileSizes: FileSizeRange) {
    this.#prng = new Prng(seed);
    this.#content = new ContentSource(seed);
    this.#fileSizes = fileSizes;
    this.store = new CatalogStore(this.#prng.guid(), now);
    this.store.setPublisher(this);
  }

  /** Company -> product family -> products, plus the classifications (and Drivers). */
  addCategories(builds: readonly OsBuild[], now: number): void {
    const company = this.#category('Microsoft', 'Company', [], now);
    const family = this.#category('Windows', 'ProductFamily', [company], now);
    for (const product of new Set(builds.map((b) => b.product)))
      this.#category(product, 'Product', [family], now);
    for (const c of [...CLASSIFICATIONS, 'Drivers']) this.#category(c, 'UpdateClassification', [], now);
  }

  addDetectoids(builds: readonly OsBuild[], now: number): void {
    for (const b of builds) {
      const product = this.#categories.get(b.product)!;
      const prereq = { all: [], atLeastOne: [{ ids: [product.updateId], category: true }] };
      const u = this.#newUpdate('detectoid', `${b.label} x64`, now, 1);
      u.prerequisites = { all: [], atLeastOne: [[product.revisionId]] };
      u.applicableBuilds = [b.build];
      u.coreXml = frag.detectoidCore(u, prereq, b.build);
      u.localizedXml = frag.localized(u.title, `Detects ${b.label} (build ${b.build}) on x64-based systems.`);
      this.#finish(u, () => frag.detectoidExtended());
      this.#detectoids.set(b.build, u);
      this.store.add(u);
    }
  }

  addStreams(streams: readonly Stream[]): void {
    for (const stream of streams) this.#streams.push({ stream, releases: 0, bundleIds: [], lastLeafs: [] });
  }

  /** The initial history: every stream's releases spread back in time from `now`. */
  addHistory(leafUpdates: number, now: number): void {
    const shares = apportion(
      leafUpdates,
      this.#streams.map((s) => s.stream.weight),
    );
    for (const [i, state] of this.#streams.entries()) {
      const leafs = shares[i]!;
      if (leafs === 0) continue;
      const perRelease = state.stream.leafs.length;
      const releases = Math.ceil(leafs / perRelease);
      let remaining = leafs;
      for (let k = 0; k < releases; k++) {
        const at = now - (releases - k) * state.stream.periodMs;
        const take = Math.min(perRelease, remaining);
        remaining -= take;
        for (const u of this.#release(state, take, 1, at)) this.store.add(u);
      }
    }
  }

  addDrivers(count: number, now: number): void {
    const products = [...this.#categories.values()].filter(
      (c) => c.kind === 'category' && c.title.startsWith('Windows '),
    );
    const driversClass = this.#categories.get('Drivers')!;
    for (let i = 0; i < count; i++) {
      const hardwareId = DRIVER_HARDWARE_IDS[i % DRIVER_HARDWARE_IDS.length]!;
      const version = `${10 + (i % 20)}.${this.#prng.int(0, 99)}.${this.#prng.int(0, 999)}.${this.#prng.int(0, 9999)}`;
      const u = this.#newUpdate('driver', `Driver update for ${hardwareId} (${version})`, now, 1);
      const prereq = {
        all: [],
        atLeastOne: [
          { ids: products.map((p) => p.updateId), category: true },
          { ids: [driversClass.updateId], category: true },
        ],
      };
      u.prerequisites = {
        all: [],
        atLeastOne: [products.map((p) => p.revisionId), [driversClass.revisionId]],
      };
      u.hardwareIds = [hardwareId];
      u.files = [this.#file(`drv-${hardwareId.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()}-${i}.cab`)];
      u.coreXml = frag.driverCore(u, prereq, hardwareId, version);
      u.localizedXml = frag.localized(u.title, `Driver package for devices with hardware id ${hardwareId}.`);
      const modified = isoSeconds(now);
      this.#finish(u, () => frag.fileExtended(frag.HANDLER_DRIVER, u.files, modified));
      this.store.add(u);
    }
  }

  /** Publisher: `count` new leaf packages over the streams (weighted pick), each release superseding its stream. */
  release(count: number, version: number, now: number): GeneratedUpdate[] {
    const out: GeneratedUpdate[] = [];
    const totalWeight = this.#streams.reduce((n, s) => n + s.stream.weight, 0);
    let remaining = count;
    while (remaining > 0) {
      let r = this.#prng.next() * totalWeight;
      let state = this.#streams[this.#streams.length - 1]!;
      for (const s of this.#streams) {
        r -= s.stream.weight;
        if (r < 0) {
          state = s;
          break;
        }
      }
      const take = Math.min(state.stream.leafs.length, remaining);
      remaining -= take;
      out.push(...this.#release(state, take, version, now));
    }
    return out;
  }

  #release(state: StreamState, leafCount: number, version: number, at: number): GeneratedUpdate[] {
    const { stream } = state;
    const ctx = {
      n: state.releases,
      at,
      kb: stream.fixedKb ?? String(this.#nextKb++),
      builds: stream.builds,
    };
    state.releases += 1;
    const builds = stream.builds.map((b) => b.build);
    const detectoids = stream.builds.map((b) => this.#detectoids.get(b.build)!);
    const products = [...new Set(stream.builds.map((b) => b.product))].map((p) => this.#categories.get(p)!);
    const classification = this.#categories.get(stream.classification)!;
    const prereqRefs = {
      all: [],
      atLeastOne: [
        { ids: detectoids.map((d) => d.updateId), category: false },
        { ids: products.map((p) => p.updateId), category: true },
        { ids: [classification.updateId], category: true },
      ],
    };
    const prereqIds = () => ({
      all: [],
      atLeastOne: [
        detectoids.map((d) => d.revisionId),
        products.map((p) => p.revisionId),
        [classification.revisionId],
      ],
    });
    const title = stream.title(ctx);
    const modified = isoSeconds(at);

    const leafs: GeneratedUpdate[] = [];
    for (const template of stream.leafs.slice(0, leafCount)) {
      const leaf = this.#newUpdate('leaf', title, at, version);
      leaf.kb = ctx.kb;
      leaf.prerequisites = prereqIds();
      leaf.applicableBuilds = builds;
      leaf.files = [this.#file(template.fileName(ctx))];
      const buildVersion = `${builds[0]}.${1000 + ctx.n}.1.${this.#prng.int(1, 12)}`;
      leaf.coreXml = frag.softwareCore({
        self: leaf,
        prerequisites: prereqRefs,
        builds,
        package: template.packageName
          ? {
              name: template.packageName,
              version: buildVersion,
              kb: ctx.kb,
              releaseType: stream.classification,
            }
          : undefined,
      });
      leaf.localizedXml = frag.localized(title, stream.description, ctx.kb);
      this.#finish(leaf, () => frag.fileExtended(template.handler, leaf.files, modified));
      leafs.push(leaf);
    }

    const bundle = this.#newUpdate('bundle', title, at, version);
    bundle.kb = ctx.kb;
    bundle.prerequisites = prereqIds();
    bundle.applicableBuilds = builds;
    bundle.bundled = leafs.map((l) => l.revisionId);
    bundle.coreXml = frag.softwareCore({
      self: bundle,
      prerequisites: prereqRefs,
      builds,
      bundled: leafs,
      superseded: state.bundleIds.slice(-SUPERSEDED_LISTED),
    });
    bundle.localizedXml = frag.localized(title, stream.description, ctx.kb);
    this.#finish(bundle, () => frag.bundleExtended(ctx.kb, stream.severity, modified));

    if (state.lastBundle) state.lastBundle.supersededBy = bundle.revisionId;
    state.lastLeafs.forEach((old, i) => {
      old.supersededBy = (leafs[i] ?? bundle).revisionId;
    });
    state.bundleIds.push(bundle.updateId);
    state.lastBundle = bundle;
    state.lastLeafs = leafs;
    // Bundles first: the order a real WSUS lists a release (the bundle references its packages).
    return [bundle, ...leafs];
  }

  #category(title: string, categoryType: string, parents: GeneratedUpdate[], now: number): GeneratedUpdate {
    const u = this.#newUpdate('category', title, now, 1);
    const prereq = {
      all: [],
      atLeastOne: parents.length ? [{ ids: parents.map((p) => p.updateId), category: true }] : [],
    };
    u.prerequisites = { all: [], atLeastOne: parents.length ? [parents.map((p) => p.revisionId)] : [] };
    u.coreXml = frag.categoryCore(u, prereq);
    u.localizedXml = frag.localized(title, title);
    this.#finish(u, () => frag.categoryExtended(categoryType));
    this.#categories.set(title, u);
    this.store.add(u);
    return u;
  }

  #newUpdate(kind: UpdateKind, title: string, at: number, version: number): GeneratedUpdate {
    const fields: Omit<CatalogUpdate, 'extendedXml'> = {
      revisionId: this.#nextRevision++,
      updateId: this.#prng.guid(),
      revisionNumber: kind === 'category' ? 101 : 200,
      kind,
      isLeaf: kind !== 'category' && kind !== 'detectoid',
      title,
      prerequisites: { all: [], atLeastOne: [] },
      bundled: [],
      applicableBuilds: [],
      files: [],
      coreXml: '',
      localizedXml: '',
      catalogVersion: version,
      publishedAt: at,
    };
    return GeneratedUpdate.create(fields);
  }

  #finish(u: GeneratedUpdate, renderExtended: () => string): void {
    u.renderExtendedWith(renderExtended);
  }

  #file(fileName: string): GeneratedFile {
    const size = this.#prng.logUniform(this.#fileSizes.min, this.#fileSizes.max);
    return new GeneratedFile(
      { fileName, contentId: this.#prng.guid(), size, key: this.#nextFileKey++ },
      this.#content,
      (f) => this.store.fileHashed(f),
    );
  }
}

export type { Classification };

/** Splits `total` into integer shares proportional to `weights` (largest remainder), summing to `total`. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
  }
  return shares;
}

function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
