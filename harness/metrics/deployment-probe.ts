// Reads the site's per-deployment compliance from the reference site's observer API
// (`GET /api/deployments/compliance`) when the target has one. Bounded in time and never throws: any
// failure (no observer, an older site without the route, a malformed answer) means "no sample this time".
import { request } from 'undici';
import { observerHeaders } from '../../protocol/observer.ts';
import type { DeploymentCompliance } from './aggregator.ts';

const COUNTS = [
  'targeted',
  'required',
  'downloaded',
  'installed',
  'failed',
  'pendingRestart',
  'unknown',
] as const;

export async function fetchDeploymentCompliance(
  observerUrl: string,
  { timeoutMs = 2000, token }: { timeoutMs?: number; token?: string } = {},
): Promise<DeploymentCompliance[] | undefined> {
  try {
    const res = await request(new URL('/api/deployments/compliance', observerUrl), {
      headers: observerHeaders('GET', token),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return undefined;
    }
    return deploymentsFrom(await res.body.json());
  } catch {
    return undefined;
  }
}

/** The answer as DeploymentCompliance[], or undefined when it is not that shape. */
export function deploymentsFrom(json: unknown): DeploymentCompliance[] | undefined {
  if (!Array.isArray(json)) return undefined;
  const out: DeploymentCompliance[] = [];
  for (const item of json) {
    const d = deploymentFrom(item);
    if (d === undefined) return undefined;
    out.push(d);
  }
  return out;
}

function deploymentFrom(item: unknown): DeploymentCompliance | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const o = item as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.name !== 'string') return undefined;
  const counts = {} as Record<(typeof COUNTS)[number], number>;
  for (const k of COUNTS) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return undefined;
    counts[k] = v;
  }
  const deadline = o.deadline;
  if (deadline !== undefined && (typeof deadline !== 'number' || !Number.isFinite(deadline)))
    return undefined;
  return { id: o.id, name: o.name, ...(deadline === undefined ? {} : { deadline }), ...counts };
}
