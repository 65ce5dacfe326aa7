// Runs checks one after another (they share one target and some move its clock), each under a time
// limit; a check whose needs the target cannot meet is skipped with the reason; anything a check
// throws becomes a failure carrying the error, so one broken reply never stops the run.
import type { CheckResult, ConformanceCheck } from './check.ts';
import type { TargetCapabilities } from './capabilities.ts';
import type { CheckContext } from './context.ts';
import { describeError } from './describe-error.ts';

export interface RunOptions {
  /** Longest a single check may take (ms). */
  checkTimeoutMs?: number;
  onResult?: (result: CheckResult) => void;
}

export interface ConformanceReport {
  target: Record<string, string>;
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
  counts: { total: number; passed: number; failed: number; skipped: number };
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
  for (const check of checks) {
    const result = await runOne(check, ctx, capabilities, options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
    results.push(result);
    options.onResult?.(result);
  }
  return {
    target,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    results,
    counts: {
      total: results.length,
      passed: results.filter((r) => r.status === 'pass').length,
      failed: results.filter((r) => r.status === 'fail').length,
      skipped: results.filter((r) => r.status === 'skip').length,
    },
  };
}

async function runOne(
  check: ConformanceCheck,
  ctx: CheckContext,
  capabilities: TargetCapabilities,
  timeoutMs: number,
): Promise<CheckResult> {
  const base = { id: check.id, title: check.title, rules: check.rules };
  const unmet = check.needs.filter((cap) => !capabilities.offered.has(cap));
  if (unmet.length > 0) {
    const reasons = unmet.map((cap) => `${cap}: ${capabilities.missing.get(cap) ?? 'not offered'}`);
    return { ...base, status: 'skip', message: `skipped: needs ${reasons.join('; ')}`, durationMs: 0 };
  }
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(timeoutMs)), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check.run(ctx), timeout]);
    return { ...base, ...outcome, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const message =
      err instanceof CheckTimeout
        ? `did not finish within ${timeoutMs / 1000} s (the target stopped answering or answers too slowly)`
        : `the target broke the check: ${describeError(err)}`;
    return { ...base, status: 'fail', message, durationMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

class CheckTimeout extends Error {
  constructor(readonly ms: number) {
    super(`check timed out after ${ms} ms`);
  }
}
