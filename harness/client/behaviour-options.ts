// What `patchstorm run` hands the fleet behaviour (structured-clone data, one copy per worker), and its
// validation: a bad value stops the run before it starts, naming the field.
import type { FleetConfigInput } from '../fleet/index.ts';
import type { CatalogKnowledge } from './knowledge.ts';

export interface FleetTargets {
  /** MP origin (CCM_POST, policy bodies), e.g. http://mp:80. */
  mp: string;
  /**
   * SUP web-service origins in the order clients try them (T-SCANRETRY moves to the next one). Scans use
   * this list; the MP's WSUS location request is still made and must name at least one SUP.
   */
  sups: string[];
  siteCode: string;
}

/** A site-wide "Software Updates Scan Cycle" (S-FORCED) delivered to every client. */
export interface ForcedScanEvent {
  /** Virtual epoch ms. */
  at: number;
  /** Clients receive it spread uniformly over this many ms after `at` (default 0: all at once). */
  spreadMs?: number;
}

export interface FleetBehaviourOptions {
  /** Input for defineFleetConfig; `startAt` defaults to the run's virtual start, `seed` to the run seed. */
  fleet: Omit<FleetConfigInput, 'seed'> & { seed?: number };
  targets: FleetTargets;
  knowledge: CatalogKnowledge;
  events?: { forcedScans?: ForcedScanEvent[] };
  /** Hash downloaded content against the metadata SHA-1 (default false: count bytes, check sizes). */
  verifyContent?: boolean;
  /** BITS-like ranged GET size for content downloads (default 1 MiB). */
  downloadChunkBytes?: number;
  /** zlib-compress CCM_POST payloads as real clients do (default true). */
  compressMpMessages?: boolean;
}

export class FleetBehaviourOptionsError extends Error {
  override readonly name = 'FleetBehaviourOptionsError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`fleet behaviour options: ${field} = ${JSON.stringify(value)} is invalid; expected ${expected}`);
  }
}

export function validateBehaviourOptions(o: FleetBehaviourOptions): void {
  const url = (field: string, v: unknown) => {
    if (typeof v !== 'string' || !/^https?:\/\/[^/]+\/?$/i.test(v)) {
      throw new FleetBehaviourOptionsError(field, v, 'an http(s) origin like http://host:port');
    }
  };
  url('targets.mp', o.targets?.mp);
  if (!Array.isArray(o.targets.sups) || o.targets.sups.length === 0) {
    throw new FleetBehaviourOptionsError('targets.sups', o.targets.sups, 'at least one SUP origin');
  }
  for (const [i, s] of o.targets.sups.entries()) url(`targets.sups[${i}]`, s);
  if (typeof o.targets.siteCode !== 'string' || !/^[A-Za-z0-9]{3}$/.test(o.targets.siteCode)) {
    throw new FleetBehaviourOptionsError('targets.siteCode', o.targets.siteCode, 'a 3-character site code');
  }
  if (o.knowledge?.format !== 1) {
    throw new FleetBehaviourOptionsError(
      'knowledge.format',
      o.knowledge?.format,
      '1 (from discoverCatalogKnowledge)',
    );
  }
  for (const [i, e] of (o.events?.forcedScans ?? []).entries()) {
    if (!Number.isFinite(e.at))
      throw new FleetBehaviourOptionsError(`events.forcedScans[${i}].at`, e.at, 'virtual epoch ms');
    if (e.spreadMs !== undefined && !(e.spreadMs >= 0)) {
      throw new FleetBehaviourOptionsError(`events.forcedScans[${i}].spreadMs`, e.spreadMs, 'ms >= 0');
    }
  }
  const chunk = o.downloadChunkBytes;
  if (chunk !== undefined && !(Number.isInteger(chunk) && chunk > 0)) {
    throw new FleetBehaviourOptionsError('downloadChunkBytes', chunk, 'a whole number of bytes > 0');
  }
}
