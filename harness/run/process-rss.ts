// Resident memory of another process (the embedded site's), from /proc/<pid>/statm on Linux: the
// benchmarks report it beside the generator's own RSS, which is the one with a target.
import { readFileSync } from 'node:fs';

const PAGE_BYTES = 4096; // the page size of every Linux the project runs on (x86-64, arm64 4K kernels)

/** undefined when the process is gone or /proc is not there (not Linux). */
export function processRssBytes(pid: number): number | undefined {
  try {
    const resident = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(resident) ? resident * PAGE_BYTES : undefined;
  } catch {
    return undefined;
  }
}
