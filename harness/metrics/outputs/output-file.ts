// Files that outputs write (summary.json, the timeline, the HTML report): a relative FILE resolves
// inside the run's folder, and whether it can be written is found out before the run starts — a run
// that goes ahead and only fails to save its results at the end has wasted the operator's hour.
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { OutputError } from './output.ts';

export function outputPath(file: string, outDir: string): string {
  return isAbsolute(file) ? file : resolve(join(outDir, file));
}

/** Creates the folder and proves a file can be created in it (then removes the probe). */
export async function assertWritable(file: string, what: string): Promise<void> {
  const dir = dirname(file);
  const probe = join(dir, `.patchstorm-write-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(probe, 'w');
    await handle.close();
    await rm(probe, { force: true });
  } catch (err) {
    throw new OutputError(
      `${what}: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ` +
        'give a folder you can write to',
    );
  }
}
