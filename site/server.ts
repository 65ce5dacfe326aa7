// The reference site as one call: build the shared model (clock, catalog, deployments, violations), the
// SUP, MP and DP front-ends over it, TLS material, the listeners and the observer. Everything a caller
// needs to point clients at it comes back in RunningSite.
import type { SiteModel } from './model.ts';
import type { MpFrontEnd } from './mp/index.ts';
import { startObserver } from './observer.ts';
import type { StartSiteOptions } from './options.ts';
import { isWildcardAddress, startShell } from './shell.ts';
import { createSiteCore } from './site-core.ts';
import type { SiteStats } from './stats.ts';
import type { SupFrontEnd } from './sup/index.ts';
import { prepareTls } from './tls.ts';
import type { FaultInjector } from './faults.ts';
import type { FrontEndHandler } from './types.ts';

export type { StartSiteOptions } from './options.ts';

export interface SiteUrls {
  supHttp: string;
  supHttps: string;
  mpHttp: string;
  mpHttps: string;
  dp: string;
  observer: string;
}

export interface RunningSite {
  urls: SiteUrls;
  /** PEM of the CA the HTTPS certificate chains to: what clients must trust. */
  caFile: string;
  certFile: string;
  model: SiteModel;
  sup: SupFrontEnd;
  mp: MpFrontEnd;
  dp: FrontEndHandler;
  faults: FaultInjector;
  stats: SiteStats;
  stop(): Promise<void>;
}

export async function startSite(options: StartSiteOptions = {}): Promise<RunningSite> {
  // Validates everything before anything listens or is generated.
  const core = createSiteCore(options);
  const { resolved, model, sup, mp, dp, faults, stats } = core;
  const { config } = resolved;

  let tls: Awaited<ReturnType<typeof prepareTls>>;
  try {
    tls = await prepareTls({
      files: resolved.tlsFiles,
      certDir: resolved.certDir,
      // URLs use the bind address when it is a specific one, so the certificate must name it too.
      hostNames: isWildcardAddress(config.bindAddress)
        ? [config.hostName]
        : [config.hostName, config.bindAddress],
    });
  } catch (err) {
    await core.stop();
    throw err;
  }

  const cleanups: (() => Promise<void>)[] = [() => core.stop(), () => tls.dispose()];
  const cleanUp = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn();
  };
  try {
    const shell = await startShell({
      bindAddress: config.bindAddress,
      hostName: config.hostName,
      ports: {
        supHttp: config.supHttpPort,
        supHttps: config.supHttpsPort,
        mpHttp: config.mpHttpPort,
        mpHttps: config.mpHttpsPort,
      },
      tls,
      frontEnds: { sup, mp, dp },
      maxRequestBytes: config.maxRequestBytes,
      maxInFlight: { sup: config.supMaxInFlight, mp: config.mpMaxInFlight, dp: config.dpMaxInFlight },
      extraSupSegments: core.extraSupSegments,
      stats,
      faults,
    });
    cleanups.push(() => shell.stop());
    // Port 0 means "any": from here on the model tells everyone the ports actually in use.
    config.supHttpPort = shell.ports.supHttp;
    config.supHttpsPort = shell.ports.supHttps;
    config.mpHttpPort = shell.ports.mpHttp;
    config.mpHttpsPort = shell.ports.mpHttps;
    core.supUrls = { http: shell.urls.supHttp, https: shell.urls.supHttps };

    const observerAt = { port: config.observerPort, token: resolved.observerToken };
    const observer = await startObserver(observerAt, {
      model,
      stats,
      faults,
      inFlight: () => shell.inFlight.snapshot(),
      backlog: () => mp.backlog(),
      compliance: () => mp.compliance(),
      deploymentCompliance: () => mp.deploymentCompliance(),
      registerComputers: (clients) => sup.registerComputers(clients),
      noteClients: (smsIds) => {
        for (const id of smsIds) mp.states.noteClient(id);
      },
      frontEndState: () => {
        const { backlog: _backlog, compliance: _compliance, ...mpState } = mp.snapshot();
        return { sup: sup.snapshot(), mp: mpState };
      },
    });
    cleanups.push(() => observer.stop());
    config.observerPort = observer.port;

    let stopping: Promise<void> | undefined;
    return {
      urls: { ...shell.urls, observer: observer.url },
      caFile: tls.caFile,
      certFile: tls.certFile,
      model,
      sup,
      mp,
      dp,
      faults,
      stats,
      stop: () => {
        stopping ??= cleanUp();
        return stopping;
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
