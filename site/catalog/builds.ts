// The operating systems the reference catalog serves: each OS build gets a detectoid, and each belongs to a
// WSUS product category. Emulated machines pick a build, so different machines need different subsets.

export interface OsBuild {
  build: number;
  /** Name used in update titles, e.g. "Windows 11 Version 23H2". */
  label: string;
  /** WSUS product category title the build belongs to. */
  product: string;
  server: boolean;
}

const KNOWN_BUILDS: readonly OsBuild[] = [
  {
    build: 19045,
    label: 'Windows 10 Version 22H2',
    product: 'Windows 10, version 1903 and later',
    server: false,
  },
  { build: 22621, label: 'Windows 11 Version 22H2', product: 'Windows 11', server: false },
  { build: 22631, label: 'Windows 11 Version 23H2', product: 'Windows 11', server: false },
  { build: 26100, label: 'Windows 11 Version 24H2', product: 'Windows 11', server: false },
  { build: 17763, label: 'Windows Server 2019', product: 'Windows Server 2019', server: true },
  { build: 20348, label: 'Windows Server 2022', product: 'Windows Server 2022', server: true },
];

/** Default builds of a generated catalog: Windows 10 22H2, Windows 11 22H2/23H2/24H2, Server 2019/2022. */
export const DEFAULT_BUILDS: readonly number[] = KNOWN_BUILDS.map((b) => b.build);

/** Describes a build; unknown client builds map onto Windows 10 or 11 by number. */
export function describeBuild(build: number): OsBuild {
  if (!Number.isInteger(build) || build <= 0)
    throw new RangeError(`OS build must be a positive integer, got ${build}`);
  const known = KNOWN_BUILDS.find((b) => b.build === build);
  if (known) return known;
  const product = build >= 22000 ? 'Windows 11' : 'Windows 10, version 1903 and later';
  return { build, label: `Windows build ${build}`, product, server: false };
}

/** Builds that one cumulative update serves together (real example: Windows 11 22H2 and 23H2 share CUs). */
export function servicingGroups(builds: readonly OsBuild[]): OsBuild[][] {
  const groups: OsBuild[][] = [];
  const shared = builds.filter((b) => b.build === 22621 || b.build === 22631);
  if (shared.length > 0) groups.push(shared);
  for (const b of builds) if (!shared.includes(b)) groups.push([b]);
  return groups;
}
