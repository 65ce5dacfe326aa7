// Works out what a target offers before any check runs. Endpoints count as offered when they were
// named (whether they answer is for the checks to find out: an unreachable SUP is a failure, not a
// skip). The observer and its clock/publish controls are probed, because a real staging site has
// none of them and the checks that need them must be skipped with the reason, never passed.
import type { Capability } from './check.ts';
import { describeError } from './describe-error.ts';
import type { ObserverClient } from './observer-client.ts';
import type { ConformanceTarget } from './target.ts';

export interface TargetCapabilities {
  offered: Set<Capability>;
  /** Why each capability that is not offered is missing (quoted in skip messages). */
  missing: Map<Capability, string>;
}

const ENDPOINT_OPTION: Record<'sup' | 'sup-https' | 'mp' | 'dp', keyof ConformanceTarget> = {
  sup: 'sup',
  'sup-https': 'supHttps',
  mp: 'mp',
  dp: 'dp',
};

const OPTION_NAME: Record<'sup' | 'sup-https' | 'mp' | 'dp', string> = {
  sup: '--sup',
  'sup-https': '--sup-https',
  mp: '--mp',
  dp: '--dp',
};

export async function detectCapabilities(
  target: ConformanceTarget,
  observer: ObserverClient | undefined,
): Promise<TargetCapabilities> {
  const offered = new Set<Capability>();
  const missing = new Map<Capability, string>();
  for (const cap of ['sup', 'sup-https', 'mp', 'dp'] as const) {
    if (target[ENDPOINT_OPTION[cap]]) offered.add(cap);
    else missing.set(cap, `no ${OPTION_NAME[cap]} URL was given`);
  }
  if (!observer) {
    const why = 'the target has no observer API (no --observer given; a real site has none)';
    for (const cap of ['observer', 'clock', 'publish'] as const) missing.set(cap, why);
    return { offered, missing };
  }
  try {
    await observer.get('/api/stats');
    offered.add('observer');
  } catch (err) {
    const why = `the observer at ${observer.base.origin} did not answer GET /api/stats (${describeError(err)})`;
    for (const cap of ['observer', 'clock', 'publish'] as const) missing.set(cap, why);
    return { offered, missing };
  }
  await probe(offered, missing, 'clock', () => observer.get('/api/clock'), 'GET /api/clock');
  await probe(offered, missing, 'publish', () => observer.get('/api/catalog'), 'GET /api/catalog');
  return { offered, missing };
}

async function probe(
  offered: Set<Capability>,
  missing: Map<Capability, string>,
  cap: Capability,
  call: () => Promise<unknown>,
  what: string,
): Promise<void> {
  try {
    await call();
    offered.add(cap);
  } catch (err) {
    missing.set(cap, `the observer does not offer ${what} (${describeError(err)})`);
  }
}
