// The NDJSON timeline (`--out timeline=FILE`, and DIR/timeline.ndjson that `patchstorm report DIR` reads):
// one JSON object per line, in this order: one `start`, then `interval` and `event` lines as they
// happen (every interval, the final one after the drain included), then one `end`.
import type { IntervalStats } from '../aggregator.ts';
import type { RunEvent, RunFinal, RunMeta } from './output.ts';

export const TIMELINE_SCHEMA = 'patchstorm.timeline/1';

export type TimelineLine =
  | { type: 'start'; schema: typeof TIMELINE_SCHEMA; meta: RunMeta }
  | { type: 'interval'; stats: IntervalStats }
  | { type: 'event'; event: RunEvent }
  | { type: 'end'; summary: RunFinal['summary'] };

/** File name of the timeline inside a run's folder. */
export const TIMELINE_FILE = 'timeline.ndjson';
/** File name of the summary inside a run's folder. */
export const SUMMARY_FILE = 'summary.json';
