// The check model: a conformance check is plain data (id, the behaviour rules it enforces, the target
// capabilities it needs) plus one async function that probes the target and returns an outcome.
// Checks never throw on purpose; when one does (a reset, garbage XML, a fault nobody expected) the
// runner turns the error into a failure that says what happened.
import type { CheckContext } from './context.ts';

/** What a target can offer a check. A check that needs something the target lacks is skipped with a reason. */
export type Capability =
  /** SUP web services over HTTP (--sup). */
  | 'sup'
  /** SUP web services over HTTPS (--sup-https). */
  | 'sup-https'
  /** Management point CCM_POST endpoint (--mp). */
  | 'mp'
  /** Distribution point content (--dp). */
  | 'dp'
  /** The reference site's observer API (--observer): request counts, backlog, compliance. */
  | 'observer'
  /** Observer clock control: site time can be advanced (24 h TTLs, 60 min cookies in seconds). */
  | 'clock'
  /** Observer catalog publishing: a new catalog version on demand. */
  | 'publish';

/**
 * pass / fail: the verdict. skip: the check could not judge (a need unmet, nothing to judge), with the
 * reason. blocked: a check it depends on failed (e.g. the SUP handshake), so running it would only
 * repeat that failure; the message names the blocking check and its failure.
 */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'blocked';

export interface CheckOutcome {
  status: CheckStatus;
  /** One sentence: what was expected and what came back (fail), why not run (skip), what was seen (pass). */
  message: string;
  /** Supporting observations, one per line (numbers seen, URLs probed). */
  details?: string[];
}

export interface ConformanceCheck {
  /** Stable id used by --only and in reports, e.g. "sup-ports". */
  id: string;
  title: string;
  /** Rule IDs of ../shared/docs/behaviour.md (the shared repo cloned beside this one) this check enforces. */
  rules: readonly string[];
  /** Capabilities without which the check cannot say anything. */
  needs: readonly Capability[];
  /** Ids of checks whose failure this one would only repeat (root cause first): when one of them failed
   *  or was blocked in this run, this check is reported blocked instead of run. */
  dependsOn?: readonly string[];
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

export interface CheckResult extends CheckOutcome {
  id: string;
  title: string;
  rules: readonly string[];
  durationMs: number;
  /** Requests the check sent to the target (observer calls included) and how long the slowest took. */
  requests?: number;
  slowestMs?: number;
  /** Set when the target answered correctly but slowly: a load finding, not a conformance failure. */
  loadFinding?: string;
}

export const pass = (message: string, details?: string[]): CheckOutcome => ({
  status: 'pass',
  message,
  details,
});
export const fail = (message: string, details?: string[]): CheckOutcome => ({
  status: 'fail',
  message,
  details,
});
export const skip = (message: string, details?: string[]): CheckOutcome => ({
  status: 'skip',
  message,
  details,
});
