// Which emulated clients one k6 VU owns. k6 numbers VUs across the whole test (`exec.vu.idInTest`, 1..the
// scenario's total VUs), also when the test is split over instances with `--execution-segment`: an
// instance running segment 1/4:1/2 of a 4-VU test runs VU 2 (measured on k6 v0.48, docs/k6-runtime.md).
// So striping the fleet over the test-wide VU number gives every instance and every VU a disjoint slice,
// and all of them together the whole fleet once: 4 instances × 25,000 clients = one fleet of 100,000.
// The striping is the swarm's (global = local * shards + shard): VU n is shard n - 1 of `totalVus`, so a
// VU's clients are exactly the ones a swarm worker with the same shard number and count would own.

/** One VU's clients: local index l is fleet client `first + l * stride`. */
export interface VuSlice {
  /** Shard number (idInTest - 1) and number of shards (total VUs of the test). */
  shard: number;
  shards: number;
  /** Clients this VU owns (0 when the test has more VUs than clients). */
  count: number;
  globalIndex(local: number): number;
}

export class SliceError extends Error {
  override readonly name = 'SliceError';
}

/** The clients VU `vuIdInTest` (1-based, test-wide) of `totalVus` owns in a fleet of `fleetSize`. */
export function vuSlice(fleetSize: number, totalVus: number, vuIdInTest: number): VuSlice {
  for (const [name, v, min] of [
    ['fleetSize', fleetSize, 1],
    ['totalVus', totalVus, 1],
    ['vuIdInTest', vuIdInTest, 1],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < min)
      throw new SliceError(`${name} = ${v}: expected a whole number >= ${min}`);
  }
  if (vuIdInTest > totalVus) {
    throw new SliceError(`vuIdInTest = ${vuIdInTest}: expected at most totalVus (${totalVus})`);
  }
  const shard = vuIdInTest - 1;
  const count = shard < fleetSize ? Math.floor((fleetSize - shard - 1) / totalVus) + 1 : 0;
  return { shard, shards: totalVus, count, globalIndex: (local) => local * totalVus + shard };
}

/** `1/4:1/2` or `0.25:0.5` (k6's --execution-segment) as [from, to] fractions. */
export function parseSegment(segment: string | undefined): [number, number] {
  if (segment === undefined || segment === '') return [0, 1];
  const parts = segment.split(':');
  const fraction = (s: string): number => {
    const [n, d] = s.includes('/') ? s.split('/').map(Number) : [Number(s), 1];
    const v = (n as number) / (d as number);
    if (!Number.isFinite(v) || v < 0 || v > 1)
      throw new SliceError(`execution segment '${segment}': bad fraction '${s}'`);
    return v;
  };
  const [from, to] =
    parts.length === 1 ? [0, fraction(parts[0]!)] : [fraction(parts[0]!), fraction(parts[1]!)];
  if (!(from < to)) throw new SliceError(`execution segment '${segment}': expected from < to`);
  return [from, to];
}

/** Roughly how many of the fleet's clients an instance running `segment` emulates (its share of VUs). */
export function segmentClientShare(fleetSize: number, segment: string | undefined): number {
  const [from, to] = parseSegment(segment);
  return Math.round(fleetSize * to) - Math.round(fleetSize * from);
}
