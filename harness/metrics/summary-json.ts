// Writes summary.json into the run's output folder (created if needed); returns the file path.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from './summary.ts';

export async function writeSummaryJson(outputDir: string, summary: RunSummary): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  const file = join(outputDir, 'summary.json');
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
  return file;
}
