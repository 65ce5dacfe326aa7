// The reference site without sockets: the shared model (clock, catalog, deployments, violations), the
// SUP, MP and DP front-ends over it, stats and fault injection. startSite (server.ts) puts listeners, TLS
// and the observer around it; handleSiteRequest (in-process.ts) answers requests on it directly.
import { generateCatalog } from './catalog/generate.ts';
import { SiteClock } from './clock.ts';
import { DeploymentStore } from './deployments.ts';
import { createDpFrontEnd } from './dp/index.ts';
import { FaultInjector } from './faults.ts';
import type { SiteModel } from './model.ts';
import { createMpFrontEnd, type MpFrontEnd } from './mp/index.ts';
import { type ResolvedSiteOptions, resolveSiteOptions, type StartSiteOptions } from './options.ts';
import { SiteStats } from './stats.ts';
import { createSupFrontEnd, type SupFrontEnd } from './sup/index.ts';
import type { FrontEndHandler } from './types.ts';

/** The SUP's own URLs, as the MP hands them out (WSUS location replies, policy). */
export interface SupUrls {
  http: string;
  https: string;
}

export interface SiteCore {
  resolved: ResolvedSiteOptions;
  model: SiteModel;
  sup: SupFrontEnd;
  mp: MpFrontEnd;
  dp: FrontEndHandler;
  faults: FaultInjector;
  stats: SiteStats;
  /** First path segments (lower case) of SUP services at non-default paths (the SimpleAuth service). */
  extraSupSegments: readonly string[];
  /** Set by whoever gives the SUP its address (the listeners once bound, or the in-process origins). */
  supUrls: SupUrls;
  /** Stops the MP's state-message processor. */
  stop(): Promise<void>;
}

/** Validates everything (before anything listens or is generated) and builds the site's model. */
export function createSiteCore(options: StartSiteOptions = {}): SiteCore {
  const resolved = resolveSiteOptions(options);
  const { config } = resolved;
  const clock = new SiteClock(resolved.clock);
  const catalog = generateCatalog({
    seed: resolved.catalog.seed,
    leafUpdates: resolved.catalog.leafUpdates,
    builds: resolved.catalog.builds,
    fileSizes: resolved.catalog.fileSizes,
    now: clock.now(),
  });
  const model: SiteModel = {
    config,
    clock,
    catalog,
    deployments: new DeploymentStore(),
    violations: new Set(resolved.violations),
  };
  const core: SiteCore = {
    resolved,
    model,
    sup: createSupFrontEnd(model),
    mp: createMpFrontEnd(model, () => core.supUrls, { processor: resolved.processor }),
    dp: createDpFrontEnd(model),
    faults: new FaultInjector(resolved.faults),
    stats: new SiteStats(),
    extraSupSegments: config.auth === 'simple' ? [config.authServiceUrl.split('/')[0]!] : [],
    supUrls: { http: '', https: '' },
    stop: async () => core.mp.stop(),
  };
  return core;
}
