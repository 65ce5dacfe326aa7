// The embedded reference site the suite checks when no target is given (and the vitest suite checks on
// every commit): every port ephemeral, the clock manual so 24 h TTLs and 60 min cookies pass in
// seconds, and a state-message processor small enough that a few thousand messages make a backlog.
import { startSite } from '../site/server.ts';
import type { BackPressureOptions } from '../site/statemsg/index.ts';
import { type ConformanceTarget, parseTarget } from './target.ts';

/** Processing capacity of the embedded site: 600 records per site minute, so a 2,000-message burst is a
 *  backlog that drains in ~4 site minutes; the 'reject-when-backlogged' violation trips above 1,000. */
export const EMBEDDED_PROCESSOR = {
  loaderThreads: 1,
  recordsPerMinutePerLoader: 600,
  backlogRejectThreshold: 1_000,
  dropEveryNthReport: 5,
};

export interface EmbeddedSite {
  target: ConformanceTarget;
  stop(): Promise<void>;
}

export interface EmbeddedSiteOptions {
  /** Violations switched on from the start (tests; the CLI never sets any). */
  violations?: readonly string[];
  /** Smaller catalogs and pages keep the vitest run fast; the CLI uses the site's realistic defaults. */
  leafUpdates?: number;
  syncPageSize?: number;
  /** Fixed SUP ports instead of ephemeral ones (tests of what --sup on 8530 implies). */
  supPorts?: { http: number; https: number };
  /** The MP pushes back (503 + Retry-After) above this inbox depth instead of queueing (M-BACKLOG). */
  backPressure?: BackPressureOptions;
}

export async function startEmbeddedSite(options: EmbeddedSiteOptions = {}): Promise<EmbeddedSite> {
  const site = await startSite({
    bindAddress: '127.0.0.1',
    supHttpPort: options.supPorts?.http ?? 0,
    supHttpsPort: options.supPorts?.https ?? 0,
    mpHttpPort: 0,
    mpHttpsPort: 0,
    observerPort: 0,
    clock: { mode: 'manual' },
    processor: { ...EMBEDDED_PROCESSOR, backPressure: options.backPressure },
    violations: options.violations ?? [],
    ...(options.syncPageSize === undefined ? {} : { syncPageSize: options.syncPageSize }),
    ...(options.leafUpdates === undefined ? {} : { catalog: { leafUpdates: options.leafUpdates } }),
  });
  const target = parseTarget({
    sup: site.urls.supHttp,
    supHttps: site.urls.supHttps,
    mp: site.urls.mpHttp,
    dp: site.urls.dp,
    observer: site.urls.observer,
    ca: site.caFile,
  });
  return { target, stop: () => site.stop() };
}
