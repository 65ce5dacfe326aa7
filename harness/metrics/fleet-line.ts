// The summary's "fleet:" lines: what the emulated clients were doing at the end and what they did, from
// the behaviour gauges the fleet adapter publishes (harness/client/fleet-behaviour.ts
// gauges(): `fleet.activity.<activity>`, `fleet.scans*`, compliance and queue sizes, summed over shards).
// Other behaviours (synthetic, benchmarks) publish none of these, and then there is no fleet line.
import { formatCount } from './format.ts';

const ACTIVITY_PREFIX = 'fleet.activity.';

/** What the fleet-wide figure means (it is not a deployment's compliance: see the deployment lines). */
export const CATALOG_COMPLIANCE_LEGEND =
  '  (whole catalog: compliant = no update of the whole catalog Required: a client missing any catalog ' +
  'update, deployed or not, counts as non-compliant; unknown = not scanned yet)';

/** A share of the active fleet at or above this, stuck in one waiting state at the end, is called out. */
export const STUCK_SHARE = 0.1;

/** What a client in each stuck state is doing, in plain words. */
const STUCK_WORDS: Readonly<Record<string, string>> = {
  'scan-retry-wait': 'waiting to retry a failed scan',
};

/**
 * The plain-words warning when a large share of the active fleet ends the run stuck (e.g. "268 of 300
 * clients are waiting to retry a failed scan"), or undefined. A low error rate can hide this: each
 * stuck client makes one failing request per retry interval.
 */
export function fleetStuckVerdict(gauges: Readonly<Record<string, number>>): string | undefined {
  let active = 0;
  for (const [k, n] of Object.entries(gauges)) {
    if (k.startsWith(ACTIVITY_PREFIX) && k !== `${ACTIVITY_PREFIX}inactive`) active += n;
  }
  if (active === 0) return undefined;
  const parts: string[] = [];
  for (const [activity, words] of Object.entries(STUCK_WORDS)) {
    const n = gauges[`${ACTIVITY_PREFIX}${activity}`] ?? 0;
    if (n > 0 && n >= STUCK_SHARE * active)
      parts.push(`${formatCount(n)} of ${formatCount(active)} clients are ${words}`);
  }
  return parts.length === 0 ? undefined : `${parts.join('; ')}.`;
}

/** The fleet lines for the summary table, or [] when the run's behaviour is not the fleet model. */
export function formatFleetLines(gauges: Readonly<Record<string, number>>): string[] {
  const activities = Object.entries(gauges)
    .filter(([k, n]) => k.startsWith(ACTIVITY_PREFIX) && n > 0)
    .map(([k, n]) => [k.slice(ACTIVITY_PREFIX.length), n] as const)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (activities.length === 0 && gauges['fleet.scansOnline'] === undefined) return [];
  const g = (name: string) => formatCount(gauges[`fleet.${name}`] ?? 0);
  const clients = activities.reduce((s, [, n]) => s + n, 0);
  const stuck = fleetStuckVerdict(gauges);
  const retryAfter = gauges['adapter.retryAfterHonoured'] ?? 0;
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
    ...(stuck ? [`  STUCK: ${stuck}`] : []),
    ...(retryAfter > 0
      ? [
          `  ${formatCount(retryAfter)} state-message posts waited as the MP's 503 Retry-After asked before retrying`,
        ]
      : []),
  ];
}
