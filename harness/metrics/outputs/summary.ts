// `summary` (always on): the final table on the terminal, with the run's notes and what every other
// output did (files written, points sent or dropped, failures). Ends after the others to report them.
import { formatSummary } from '../summary-table.ts';
import type { OutputReport, RunOutput } from './output.ts';
import type { OutputFactory } from './registry.ts';

export const summaryOutput: OutputFactory = (_arg, ctx): RunOutput => ({
  name: 'summary',
  reportsOthers: true,
  start() {},
  interval() {},
  event() {},
  async end(final): Promise<OutputReport> {
    if (ctx.stdout) {
      const lines = [formatSummary(final.summary)];
      if (final.notesText) lines.push(final.notesText);
      for (const r of final.summary.outputs ?? []) if (r.detail || !r.ok) lines.push(formatOutputReport(r));
      ctx.stdout.write(`${lines.join('\n')}\n`);
    }
    return { name: 'summary', ok: true, detail: '' };
  },
});

export function formatOutputReport(r: OutputReport): string {
  return r.ok ? `${r.name}: ${r.detail}` : `OUTPUT FAILED ${r.name}: ${r.detail}`;
}
