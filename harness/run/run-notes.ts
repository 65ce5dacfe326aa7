// What `patchstorm run` adds to the engine's summary: which target it used, what happened to each
// profile event, the warnings it gave, and the harness's own memory. Printed after the summary table
// and written into summary.json under `run`.
import type { RunSummary } from '../metrics/summary.ts';
import type { SiteEventRecord } from './site-events.ts';

export interface RunNotes {
  target:
    | {
        kind: 'embedded';
        supNodes: number;
        mp: string;
        sups: string[];
        observer: string;
        /** Warm clients recorded in the SUPs' registration tables before the run (POST /api/registrations). */
        susdbSeededClients?: number;
        clockOffsetsMs?: number[];
      }
    | { kind: 'external'; mp: string; sups: string[]; dps: string[]; observer?: string };
  catalog?: { version: number; updates: number; builds: number[]; discoveryMs: number };
  siteEvents: SiteEventRecord[];
  warnings: string[];
  harness: {
    maxRssBytes: number;
    bytesPerClient: number;
    /** The send limits the run used, per worker thread (flag, profile `generator` or default). */
    connectionsPerOrigin: number;
    maxInFlight: number;
  };
}

export type RunReport = RunSummary & { run: RunNotes };

export function formatNotes(notes: RunNotes): string {
  const lines: string[] = [];
  if (notes.target.kind === 'embedded' && notes.target.susdbSeededClients !== undefined) {
    lines.push(
      `note: the embedded SUSDB was seeded with ${notes.target.susdbSeededClients.toLocaleString('en-US')} clients ` +
        '(a warm fleet is registered with the SUP before the run, as on a site that has known it for months)',
    );
  }
  if (notes.siteEvents.length > 0) {
    lines.push('profile events:');
    for (const e of notes.siteEvents)
      lines.push(`  ${e.at.padStart(6)}  ${e.kind.padEnd(14)} ${e.status}: ${e.detail}`);
  }
  for (const w of notes.warnings) lines.push(`warning: ${w}`);
  const mb = (notes.harness.maxRssBytes / 1048576).toFixed(0);
  lines.push(
    `harness memory: ${mb} MB RSS at most (${notes.harness.bytesPerClient.toFixed(0)} bytes per client); ` +
      `per worker ${notes.harness.connectionsPerOrigin} sockets per origin, ` +
      `${notes.harness.maxInFlight.toLocaleString('en-US')} requests in flight at most`,
  );
  return lines.join('\n');
}
