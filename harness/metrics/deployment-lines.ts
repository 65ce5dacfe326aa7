// The summary's deployment lines: per deployment, ConfigMgr's own compliance figure as the site
// processed it (topics 300/301) at the end of the run and at its deadline — "how many clients installed
// the deployment by its deadline?" — with one line saying what the figures mean.
import type { DeploymentOutcome } from './deployment-samples.ts';
import { formatDuration, formatExact, formatPercent } from './format.ts';

export const DEPLOYMENT_LEGEND =
  '  (installed = compliant: every deployed update installed or not required; unknown = targeted, no ' +
  'processed 300/301 message yet, e.g. still in the site backlog)';

/** One line per deployment plus the legend, or [] when the run had no deployment figures. */
export function formatDeploymentLines(
  deployments: readonly DeploymentOutcome[] | undefined,
  virtualStartMs: number,
): string[] {
  if (!deployments || deployments.length === 0) return [];
  return [...deployments.map((d) => formatDeploymentLine(d, virtualStartMs)), DEPLOYMENT_LEGEND];
}

export function formatDeploymentLine(d: DeploymentOutcome, virtualStartMs: number): string {
  const head =
    `deployment '${d.name}' ${d.id}: ${installedOf(d)}, ${formatExact(d.failed)} failed, ` +
    `${formatExact(d.pendingRestart)} pending restart, ${formatExact(d.unknown)} unknown ` +
    `(${formatExact(d.required)} required, ${formatExact(d.downloaded)} downloaded)`;
  if (d.deadline === undefined) return head;
  const when = `+${formatDuration(d.deadline - virtualStartMs)}`;
  if (!d.deadlinePassed) return `${head} — deadline (${when}) not reached by the end of the run`;
  if (!d.atDeadline) return `${head} — at the deadline (${when}): no sample taken before it`;
  return `${head} — at the deadline (${when}): ${installedOf(d.atDeadline)}`;
}

/** "9,040 of 10,000 installed (90.4%)". */
function installedOf(d: { installed: number; targeted: number }): string {
  const share = d.targeted === 0 ? '' : ` (${formatPercent(d.installed / d.targeted)})`;
  return `${formatExact(d.installed)} of ${formatExact(d.targeted)} installed${share}`;
}
