// Every conformance check, in the order they run. Order matters only for speed (cheap probes first);
// each check creates its own clients and does not rely on what an earlier check left behind.
import type { ConformanceCheck } from './check.ts';
import { cookieExpiryCheck } from './checks/cookie-expiry.ts';
import { deltaScanCheck } from './checks/delta-scan.ts';
import { extendedLimitCheck } from './checks/extended-limit.ts';
import { faultShapeCheck } from './checks/fault-shape.ts';
import { invalidCookieCheck } from './checks/invalid-cookie.ts';
import { pagingCheck } from './checks/paging.ts';
import { registrationCheck } from './checks/registration.ts';
import { stateMessagesCheck } from './checks/state-messages.ts';
import { catalogVersionCheck } from './checks/catalog-version.ts';
import { backlogCheck } from './checks/backlog.ts';
import { supPortsCheck } from './checks/sup-ports.ts';
import { scanTtlCheck } from './checks/scan-ttl.ts';
import { forcedRescanCheck } from './checks/forced-rescan.ts';
import { contentCheck } from './checks/content.ts';
import { OptionError } from './target.ts';

export const ALL_CHECKS: readonly ConformanceCheck[] = [
  supPortsCheck,
  invalidCookieCheck,
  registrationCheck,
  cookieExpiryCheck,
  extendedLimitCheck,
  faultShapeCheck,
  pagingCheck,
  deltaScanCheck,
  scanTtlCheck,
  forcedRescanCheck,
  contentCheck,
  stateMessagesCheck,
  backlogCheck,
  catalogVersionCheck,
];

/** Picks the checks named by --only (all when empty), in registry order; unknown ids are an OptionError. */
export function selectChecks(only: readonly string[] | undefined): ConformanceCheck[] {
  if (!only || only.length === 0) return [...ALL_CHECKS];
  const known = new Set(ALL_CHECKS.map((c) => c.id));
  for (const id of only) {
    if (!known.has(id)) throw new OptionError('--only', id, `expected one of: ${[...known].join(', ')}`);
  }
  const wanted = new Set(only);
  return ALL_CHECKS.filter((c) => wanted.has(c.id));
}
