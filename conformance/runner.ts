// Runs checks one after another (they share one target and some move its clock). A check whose needs
// the target cannot meet is skipped with the reason; one whose root-cause check failed (dependsOn) is
// blocked, so one broken handshake is one failure, not N copies of it; anything a check throws becomes
// a failure carrying the error, so one broken reply never stops the run.
//
// Time limit: per request, not per check. A check fails for time only when the target has not answered
// anything for `checkTimeoutMs` (each reply resets the clock), so a check's budget scales with the work
// it does (pages, files). Slow replies are reported as a load finding on a passing result.
import type { CheckResult, CheckStatus, ConformanceCheck } from './check.ts';
import type { TargetCapabilities } from './capabilities.ts';
import type { CheckContext } from './context.ts';
import { describeError } from './describe-error.ts';
import { ObserverClient } from './observer-client.ts';
import { RequestTracker } from './request-tracker.ts';

export interface RunOptions {
  /** Longest a check may wait without any reply from the target (ms). */
  checkTimeoutMs?: number;
  onResult?: (result: CheckResult) => void;
}

export interface ConformanceReport {
  target: Record<string, string>;
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
  counts: { total: number; passed: number; failed: number; skipped: number; blocked: number };
}

export const DEFAULT_CHECK_TIMEOUT_MS = 60_000;

export async function runChecks(
  checks: readonly ConformanceCheck[],
  ctx: CheckContext,
  capabilities: TargetCapabilities,
  target: Record<string, string>,
  options: RunOptions = {},
): Promise<ConformanceReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const results: CheckResult[] = [];
  const byId = new Map<string, CheckResult>();
  for (const check of checks) {
    const result =
      blockedBy(check, byId) ??
      (await runOne(check, ctx, capabilities, options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS));
    results.push(result);
    byId.set(check.id, result);
    options.onResult?.(result);
  }
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  return {
    target,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    results,
    counts: {
      total: results.length,
      passed: count('pass'),
      failed: count('fail'),
      skipped: count('skip'),
      blocked: count('blocked'),
    },
  };
}

/** The blocked result when a check this one depends on failed (or was itself blocked) in this run. */
function blockedBy(check: ConformanceCheck, byId: ReadonlyMap<string, CheckResult>): CheckResult | undefined {
  for (const dep of check.dependsOn ?? []) {
    const r = byId.get(dep);
    if (r?.status !== 'fail' && r?.status !== 'blocked') continue;
    const root = r.status === 'blocked' ? r.message.replace(/^blocked by /, '') : `${dep}: ${r.message}`;
    return {
      id: check.id,
      title: check.title,
      rules: check.rules,
      status: 'blocked',
      message: `blocked by ${root}`,
      durationMs: 0,
    };
  }
  return undefined;
}

async function runOne(
  check: ConformanceCheck,
  ctx: CheckContext,
  capabilities: TargetCapabilities,
  idleMs: number,
): Promise<CheckResult> {
  const base = { id: check.id, title: check.title, rules: check.rules };
  const unmet = check.needs.filter((cap) => !capabilities.offered.has(cap));
  if (unmet.length > 0) {
    const reasons = unmet.map((cap) => `${cap}: ${capabilities.missing.get(cap) ?? 'not offered'}`);
    return { ...base, status: 'skip', message: `skipped: needs ${reasons.join('; ')}`, durationMs: 0 };
  }
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let rejectIdle: ((err: Error) => void) | undefined;
  const idle = new Promise<never>((_, reject) => {
    rejectIdle = reject;
  });
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => rejectIdle?.(new CheckTimeout(idleMs)), idleMs);
  };
  const tracker = new RequestTracker(arm);
  const http = tracker.wrap(ctx.http);
  const tracked: CheckContext = {
    ...ctx,
    http,
    observer: ctx.observer ? new ObserverClient(ctx.observer.base, http) : undefined,
  };
  const traffic = () => ({
    requests: tracker.requests,
    ...(tracker.slowest ? { slowestMs: Math.round(tracker.slowest.ms) } : {}),
  });
  arm();
  try {
    const outcome = await Promise.race([check.run(tracked), idle]);
    const loadFinding = tracker.loadFinding();
    return {
      ...base,
      ...outcome,
      durationMs: Math.round(performance.now() - started),
      ...traffic(),
      ...(loadFinding ? { loadFinding } : {}),
    };
  } catch (err) {
    const message =
      err instanceof CheckTimeout
        ? `did not finish: no reply from the target for ${idleMs / 1000} s ` +
          `(after ${tracker.requests} answered requests; the target stopped answering)`
        : `the target broke the check: ${describeError(err)}`;
    return {
      ...base,
      status: 'fail',
      message,
      durationMs: Math.round(performance.now() - started),
      ...traffic(),
    };
  } finally {
    clearTimeout(timer);
  }
}

class CheckTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no reply for ${ms} ms`);
  }
}
