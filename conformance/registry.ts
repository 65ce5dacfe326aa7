// Every conformance check, in the order they run. The SUP handshake runs first: checks that need a
// working client depend on it and are reported blocked when it fails (one root cause, one failure).
// Otherwise order matters only for speed (cheap probes first); each check creates its own clients and
// does not rely on what an earlier check left behind.
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
import { configCheck } from './checks/config.ts';
import { extendedInfoCheck } from './checks/extended-info.ts';
import { handshakeCheck } from './checks/handshake.ts';
import { httpsScanCheck } from './checks/https-scan.ts';
import { mpRepliesCheck } from './checks/mp-replies.ts';
import { outOfScopeCheck } from './checks/out-of-scope.ts';
import { OptionError } from './target.ts';

export const ALL_CHECKS: readonly ConformanceCheck[] = [
  handshakeCheck,
  configCheck,
  supPortsCheck,
  httpsScanCheck,
  mpRepliesCheck,
  invalidCookieCheck,
  registrationCheck,
  cookieExpiryCheck,
  extendedLimitCheck,
  extendedInfoCheck,
  faultShapeCheck,
  pagingCheck,
  deltaScanCheck,
  outOfScopeCheck,
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
