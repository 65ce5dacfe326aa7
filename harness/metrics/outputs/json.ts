// `json=FILE` (always on, default <out-dir>/summary.json): the summary, written once at the end with
// the run's notes and the other outputs' reports.
import { writeFile } from 'node:fs/promises';
import { assertWritable, outputPath } from './output-file.ts';
import type { OutputReport, RunOutput } from './output.ts';
import type { OutputFactory } from './registry.ts';
import { SUMMARY_FILE } from './timeline-format.ts';

export const jsonOutput: OutputFactory = (arg, ctx): RunOutput => {
  const file = outputPath(arg || SUMMARY_FILE, ctx.outDir);
  return {
    name: 'json',
    reportsOthers: true,
    preflight: () => assertWritable(file, arg ? '--out json' : "the run's folder"),
    start() {},
    interval() {},
    event() {},
    async end(final): Promise<OutputReport> {
      await writeFile(file, `${JSON.stringify(final.summary, null, 2)}\n`);
      return { name: 'json', ok: true, detail: `written to ${file}`, file };
    },
  };
};
