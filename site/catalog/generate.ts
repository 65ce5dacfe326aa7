// generateCatalog: the reference site's update catalog, deterministic from a seed.
//
// Size: the default (1,050 leaf packages over 6 OS builds, ~1,950 revisions) is tuned so that one client's
// cold scan moves about 5 MB of metadata (behaviour.md W-COLD); `leafUpdates` scales it. Generation builds
// every Core and LocalizedProperties fragment up front (cheap string work, well under a second) but leaves
// file hashes and Extended fragments to first use (see content.ts), so starting a site stays fast.
import { CatalogBuilder, type FileSizeRange } from './builder.ts';
import { DEFAULT_BUILDS, describeBuild } from './builds.ts';
import { streamsFor } from './series.ts';
import type { Catalog } from './types.ts';

export interface GenerateCatalogOptions {
  seed: number | string;
  /** Leaf packages (the updates that carry files) in the initial catalog. Default 1,050. */
  leafUpdates?: number;
  /** OS builds served (each gets a detectoid). Default: DEFAULT_BUILDS. */
  builds?: readonly number[];
  /** Site time of generation (epoch ms): LastChange of version 1; release dates go back from here. */
  now: number;
  /** Update file sizes, log-uniform in [min, max] bytes. Default 200 KB .. 2.5 MB (behaviour.md D-DP). */
  fileSizes?: FileSizeRange;
  /** Driver revisions served by the driver pass. Default 12. */
  drivers?: number;
}

export const DEFAULT_LEAF_UPDATES = 1050;
export const DEFAULT_FILE_SIZES: FileSizeRange = { min: 200_000, max: 2_500_000 };

export function generateCatalog(options: GenerateCatalogOptions): Catalog {
  const leafUpdates = options.leafUpdates ?? DEFAULT_LEAF_UPDATES;
  if (!Number.isInteger(leafUpdates) || leafUpdates < 1) {
    throw new RangeError(`leafUpdates must be an integer >= 1, got ${leafUpdates}`);
  }
  const fileSizes = options.fileSizes ?? DEFAULT_FILE_SIZES;
  if (!(fileSizes.min >= 1 && fileSizes.max >= fileSizes.min)) {
    throw new RangeError(`fileSizes must satisfy 1 <= min <= max, got ${JSON.stringify(fileSizes)}`);
  }
  const buildNumbers = [...new Set(options.builds ?? DEFAULT_BUILDS)];
  if (buildNumbers.length === 0) throw new RangeError('builds must name at least one OS build');
  const builds = buildNumbers.map(describeBuild);

  const builder = new CatalogBuilder(options.seed, options.now, fileSizes);
  builder.addCategories(builds, options.now);
  builder.addDetectoids(builds, options.now);
  builder.addStreams(streamsFor(builds));
  builder.addHistory(leafUpdates, options.now);
  builder.addDrivers(options.drivers ?? 12, options.now);
  return builder.store;
}
