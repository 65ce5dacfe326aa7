// Heap snapshots at moments of virtual time, for `npm run bench:profile -- --heap-at 1h,24h`: what a
// thread holds after an hour vs after a day shows what grows with run length and what a client costs.
// Asked for through the environment (the profile recipe runs `patchstorm run` in a child process, whose
// worker threads inherit it), so no run option carries a profiling concern:
//   PATCHSTORM_HEAP_AT   virtual ms after the run's start, comma-separated (e.g. 3600000,86400000)
//   PATCHSTORM_HEAP_DIR  folder the .heapsnapshot files go to
// Files are named `<thread>-<virtual ms>.heapsnapshot`. Writing one stops the thread for a few seconds:
// a profiling run only, never a measured one.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

export const HEAP_AT_ENV = 'PATCHSTORM_HEAP_AT';
export const HEAP_DIR_ENV = 'PATCHSTORM_HEAP_DIR';

export interface HeapSnapshotPlan {
  /** Writes the snapshots due at `elapsedMs` of virtual time (each once). */
  check(elapsedMs: number): void;
}

/** The plan the environment asks for, or undefined (the normal case: nothing to do). */
export function heapSnapshotsFromEnv(
  thread: string,
  env: Record<string, string | undefined> = process.env,
): HeapSnapshotPlan | undefined {
  const at = env[HEAP_AT_ENV];
  const dir = env[HEAP_DIR_ENV];
  if (!at || !dir) return undefined;
  const moments = at
    .split(',')
    .map(Number)
    .filter((n) => Number.isFinite(n) && n >= 0)
    .sort((a, b) => a - b);
  let next = 0;
  return {
    check(elapsedMs) {
      while (next < moments.length && elapsedMs >= moments[next]!) {
        mkdirSync(dir, { recursive: true });
        writeHeapSnapshot(join(dir, `${thread}-${moments[next]}.heapsnapshot`));
        next++;
      }
    },
  };
}
