// `timeline=FILE` (always on, default <out-dir>/timeline.ndjson): every interval's figures, every event
// and the summary as NDJSON (timeline-format.ts), streamed as they happen so a run that dies still
// leaves its timeline; `patchstorm report` builds the HTML report from it.
import { createWriteStream, type WriteStream } from 'node:fs';
import { assertWritable, outputPath } from './output-file.ts';
import type { OutputReport, RunOutput } from './output.ts';
import type { OutputFactory } from './registry.ts';
import { TIMELINE_FILE, TIMELINE_SCHEMA, type TimelineLine } from './timeline-format.ts';

export const timelineOutput: OutputFactory = (arg, ctx): RunOutput => {
  const file = outputPath(arg || TIMELINE_FILE, ctx.outDir);
  let stream: WriteStream | undefined;
  let lines = 0;
  let failure: Error | undefined;
  const write = (line: TimelineLine) => {
    if (!stream || failure) return;
    stream.write(`${JSON.stringify(line)}\n`);
    lines++;
  };
  return {
    name: 'timeline',
    preflight: () => assertWritable(file, arg ? '--out timeline' : "the run's folder"),
    start(meta) {
      stream = createWriteStream(file);
      stream.on('error', (err) => {
        failure ??= err;
      });
      write({ type: 'start', schema: TIMELINE_SCHEMA, meta });
    },
    interval(stats) {
      write({ type: 'interval', stats });
    },
    event(event) {
      write({ type: 'event', event });
    },
    async end(final): Promise<OutputReport> {
      write({ type: 'end', summary: final.summary });
      if (stream) await new Promise<void>((resolve) => stream!.end(resolve));
      if (failure) throw failure;
      return { name: 'timeline', ok: true, detail: `${lines} lines written to ${file}`, file };
    },
  };
};
