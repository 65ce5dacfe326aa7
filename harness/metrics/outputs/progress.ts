// `progress` (always on): the live terminal line, redrawn in place on a TTY, a plain line every 10 s otherwise.
import { ProgressSink } from '../progress-sink.ts';
import type { OutputReport, RunOutput } from './output.ts';
import type { OutputFactory } from './registry.ts';

export const progressOutput: OutputFactory = (_arg, ctx): RunOutput => {
  let sink: ProgressSink | undefined;
  return {
    name: 'progress',
    start(meta) {
      if (!ctx.stdout) return;
      sink = new ProgressSink({
        out: ctx.stdout,
        virtualStart: meta.virtualStart,
        virtualDurationMs: meta.durationMs,
        wallStart: meta.wallStart,
      });
    },
    interval(stats) {
      sink?.onInterval(stats);
    },
    event() {},
    async end(): Promise<OutputReport> {
      sink?.end();
      return { name: 'progress', ok: true, detail: '' };
    },
  };
};
