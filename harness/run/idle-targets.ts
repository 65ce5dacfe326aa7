// A run in which a server received no request at all is easily read as "the server held": say so, and
// what would have exercised it (issue: a 30-minute steady-state run where every client stays inside its
// 24 h scan TTL sends the SUP nothing).
import type { RunSummary } from '../metrics/summary.ts';

const ROLES = [
  {
    prefix: 'wsus.',
    role: 'SUP (WSUS)',
    why:
      'every scan stayed offline: each client was inside its 24 h scan TTL (S-TTL) and no newer catalog was published. ' +
      'A forced rescan (profile forced-rescan), a new catalog (new-catalog, patch-tuesday), a cold fleet ' +
      '(initial-rollout) or a run longer than 24 h of virtual time sends scans',
  },
  {
    prefix: 'mp.',
    role: 'MP',
    why:
      'no client polled policy, registered or posted state messages: the run was shorter than the 60 min policy ' +
      'cycle (T-POLL) and the 15 min state-message cycle, or no client became active; run longer',
  },
  {
    prefix: 'dp.',
    role: 'DP',
    why:
      'no client downloaded content: no required deployment reached the clients. A patch-tuesday profile ' +
      '(a required deployment with a deadline) makes clients download',
  },
] as const;

/** One warning per server role that got no request in a run that completed. */
export function idleTargetWarnings(summary: RunSummary): string[] {
  if (summary.end !== 'completed') return [];
  const warnings: string[] = [];
  for (const r of ROLES) {
    const requests = summary.operations
      .filter((o) => o.name.startsWith(r.prefix))
      .reduce((n, o) => n + o.requests, 0);
    if (requests === 0) warnings.push(`the ${r.role} received no request in this run: ${r.why}`);
  }
  return warnings;
}
