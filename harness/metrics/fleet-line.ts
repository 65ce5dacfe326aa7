// The summary's "fleet:" lines: what the emulated clients were doing at the end and what they did, from
// the behaviour gauges the fleet adapter publishes (harness/engine/fleet-adapter/fleet-behaviour.ts
// gauges(): `fleet.activity.<activity>`, `fleet.scans*`, compliance and queue sizes, summed over shards).
// Other behaviours (synthetic, benchmarks) publish none of these, and then there is no fleet line.
import { formatCount } from './format.ts';

const ACTIVITY_PREFIX = 'fleet.activity.';

/** What the fleet-wide figure means (it is not a deployment's compliance: see the deployment lines). */
export const CATALOG_COMPLIANCE_LEGEND =
  '  (whole catalog: compliant = no update of the whole catalog Required: a client missing any catalog ' +
  'update, deployed or not, counts as non-compliant; unknown = not scanned yet)';

/** The fleet lines for the summary table, or [] when the run's behaviour is not the fleet model. */
export function formatFleetLines(gauges: Readonly<Record<string, number>>): string[] {
  const activities = Object.entries(gauges)
    .filter(([k, n]) => k.startsWith(ACTIVITY_PREFIX) && n > 0)
    .map(([k, n]) => [k.slice(ACTIVITY_PREFIX.length), n] as const)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (activities.length === 0 && gauges['fleet.scansOnline'] === undefined) return [];
  const g = (name: string) => formatCount(gauges[`fleet.${name}`] ?? 0);
  const clients = activities.reduce((s, [, n]) => s + n, 0);
  return [
    `fleet: ${formatCount(clients)} clients at the end: ` +
      (activities.length === 0
        ? 'none active'
        : activities.map(([a, n]) => `${a} ${formatCount(n)}`).join(', ')) +
      `; whole catalog: compliant ${g('compliant')}, non-compliant ${g('nonCompliant')}, unknown ${g('unknown')}; ` +
      `${g('queuedStateMessages')} state messages queued`,
    `  scans in the run: ${g('scansOnline')} online / ${g('scansOffline')} offline, ` +
      `${g('scansForced')} forced / ${g('scansUnforced')} unforced`,
    CATALOG_COMPLIANCE_LEGEND,
  ];
}
