// The embedded reference site of `patchstorm run` (no --mp given): one `patchstorm serve` child process
// per SUP node of the profile (site.supNodes). Node 0 is the whole site the clients use (MP, DP, SUP);
// nodes 1.. are further SUPs of the same update source. They share the seed, so they generate the same
// catalog and publish the same updates in the same order: the same revisions, as NLB nodes sharing one
// SUSDB serve. All share one CA so the fleet trusts a single file.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profile } from '../../profiles/index.ts';
import { ObserverClient } from './observer-client.ts';
import { type SiteProcess, type SiteProcessOptions, startSiteProcess } from './site-process.ts';

export interface EmbeddedSite {
  /** Node 0: MP, DP, first SUP and the observer the run samples. */
  mp: string;
  dp: string;
  sups: string[];
  caFile: string;
  siteCode: string;
  /** One observer per node, same order as `sups`. */
  observers: ObserverClient[];
  /**
   * The observers' bearer token, new for every run: a web page the operator has open cannot move the
   * run's clock or inject faults while it runs (the observer refuses requests without it).
   */
  observerToken: string;
  processes: SiteProcess[];
  stop(): Promise<void>;
}

export async function startEmbeddedSite(profile: Profile, seed: number): Promise<EmbeddedSite> {
  const certDir = await mkdtemp(join(tmpdir(), 'patchstorm-run-tls-'));
  const observerToken = randomBytes(24).toString('base64url');
  const base: Omit<SiteProcessOptions, 'tls'> = {
    seed,
    observerToken,
    // The catalog serves exactly the profile's machine builds (default mix: the generator's builds).
    ...(profile.fleet.machines ? { builds: [...new Set(profile.fleet.machines.map((m) => m.build))] } : {}),
    ...(profile.site.catalog?.leafUpdates !== undefined
      ? { leafUpdates: profile.site.catalog.leafUpdates }
      : {}),
    ...(profile.site.catalog?.fileSizes ? { fileSizes: profile.site.catalog.fileSizes } : {}),
    ...(profile.site.processor?.loaderThreads !== undefined
      ? { loaderThreads: profile.site.processor.loaderThreads }
      : {}),
    ...(profile.site.processor?.recordsPerMinutePerLoader !== undefined
      ? { recordsPerMinutePerLoader: profile.site.processor.recordsPerMinutePerLoader }
      : {}),
  };
  const processes: SiteProcess[] = [];
  const observers: ObserverClient[] = [];
  const stop = async () => {
    // Our keep-alive sockets first, so the sites' servers have nothing left to wait for.
    await Promise.all(observers.map((o) => o.close()));
    await Promise.all(processes.map((p) => p.stop()));
    await rm(certDir, { recursive: true, force: true });
  };
  try {
    const first = await startSiteProcess({ ...base, tls: { certDir } });
    processes.push(first);
    const tls = {
      certFile: join(certDir, 'server.pem'),
      keyFile: join(certDir, 'server-key.pem'),
      caFile: first.caFile,
    };
    const others = await Promise.allSettled(
      Array.from({ length: profile.site.supNodes - 1 }, () => startSiteProcess({ ...base, tls })),
    );
    for (const o of others) if (o.status === 'fulfilled') processes.push(o.value);
    const failed = others.find((o) => o.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (err) {
    await stop();
    throw err;
  }
  observers.push(...processes.map((p) => new ObserverClient(p.urls.observer, observerToken)));
  const node0 = processes[0]!;
  return {
    mp: node0.urls.mpHttp,
    dp: node0.urls.dp,
    sups: processes.map((p) => p.urls.supHttp),
    caFile: node0.caFile,
    siteCode: node0.siteCode,
    observers,
    observerToken,
    processes,
    stop,
  };
}
