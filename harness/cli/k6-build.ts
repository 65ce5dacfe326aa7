// `patchstorm k6` after its options are checked: the catalog discovery (one cold scan per OS build, the
// run's own, at build time against the targets, or against an embedded reference site started for the
// build), the profile as fleet behaviour options, the registration key, the bundle and the files beside
// it. Discovery happens here and not in k6's setup(): it needs the scan client of harness/driver (Node),
// and a knowledge made once is the same for every instance of a distributed test.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateBehaviourOptions } from '../client/behaviour-options.ts';
import type { CatalogKnowledge, FleetTargets } from '../client/index.ts';
import { newRunId } from '../engine/run.ts';
import type { K6ScriptConfig } from '../k6/config.ts';
import { discoverInChildProcess } from '../run/discover-process.ts';
import { startEmbeddedSite } from '../run/embedded-site.ts';
import { buildsOf, fleetBehaviourOptions } from '../run/fleet-options.ts';
import type { RunPlan } from '../run/plan.ts';
import { bundleK6Script } from './k6-bundle.ts';
import { k6Readme, k6TestRun } from './k6-files.ts';
import { createSigningKey } from './k6-signing-key.ts';
import { k6Thresholds } from './k6-thresholds.ts';

export interface K6BuildPlan {
  run: RunPlan;
  vus: number;
  parallelism: number;
  outDir: string;
  maxBatch: number;
}

export interface K6BuildResult {
  script: string;
  config: K6ScriptConfig;
  files: string[];
  notes: string[];
}

/** Discovers against the plan's targets (or a short-lived embedded site) and returns what was found. */
async function discover(
  plan: RunPlan,
  log: (line: string) => void,
): Promise<{ targets: FleetTargets; knowledge: CatalogKnowledge; embedded: boolean }> {
  const builds = buildsOf(plan.profile);
  if (plan.target.kind === 'external') {
    const targets = { mp: plan.target.mp, sups: plan.target.sups, siteCode: plan.target.siteCode };
    log(
      `discovering the catalog against ${targets.sups[0]} (one cold scan per OS build: ${builds.join(', ')})`,
    );
    const knowledge = await discoverInChildProcess({
      supUrl: targets.sups[0]!,
      mpUrl: targets.mp,
      siteCode: targets.siteCode,
      builds,
      tls: plan.tls,
      limits: plan.limits,
    });
    return { targets, knowledge, embedded: false };
  }
  log(`starting an embedded reference site (seed ${plan.seed}) to discover its catalog`);
  const site = await startEmbeddedSite(plan.profile, plan.seed);
  try {
    const targets = { mp: site.mp, sups: site.sups, siteCode: site.siteCode };
    log(
      `discovering the catalog against ${targets.sups[0]} (one cold scan per OS build: ${builds.join(', ')})`,
    );
    const knowledge = await discoverInChildProcess({
      supUrl: targets.sups[0]!,
      mpUrl: targets.mp,
      siteCode: targets.siteCode,
      builds,
      tls: { caFile: site.caFile },
      limits: plan.limits,
    });
    return { targets, knowledge, embedded: true };
  } finally {
    await site.stop();
  }
}

/** The script's config from a plan and a discovered catalog (no I/O: tests build configs directly). */
export function k6Config(
  plan: K6BuildPlan,
  targets: FleetTargets,
  knowledge: CatalogKnowledge,
  signingKey: K6ScriptConfig['signingKey'],
  builtForStart: number,
): { config: K6ScriptConfig; notConverted: string[] } {
  const behaviourOptions = fleetBehaviourOptions({
    profile: plan.run.profile,
    seed: plan.run.seed,
    virtualStart: builtForStart,
    targets,
    knowledge,
  });
  validateBehaviourOptions(behaviourOptions);
  const { thresholds, notConverted } = k6Thresholds(plan.run.thresholds);
  return {
    config: {
      profileName: plan.run.profile.name,
      runId: newRunId(plan.run.profile.name, new Date(builtForStart)),
      fleetSize: plan.run.fleetSize,
      seed: plan.run.seed,
      speed: plan.run.speed,
      durationMs: plan.run.durationMs,
      vus: plan.vus,
      builtForStart,
      behaviourOptions,
      signingKey,
      thresholds,
      requestTimeout: `${Math.ceil((plan.run.limits.timeoutMs ?? 60_000) / 1000)}s`,
      maxBatch: plan.maxBatch,
    },
    notConverted,
  };
}

export async function buildK6(plan: K6BuildPlan, log: (line: string) => void): Promise<K6BuildResult> {
  const { targets, knowledge, embedded } = await discover(plan.run, log);
  log(`  catalog version ${knowledge.catalogVersion}, ${knowledge.updates.length} updates known`);
  const { privateKeyPem: _pem, ...signingKey } = await createSigningKey();
  const { config, notConverted } = k6Config(plan, targets, knowledge, signingKey, Date.now());
  const script = await bundleK6Script(config);
  await mkdir(plan.outDir, { recursive: true });
  const files = ['patchstorm.js', 'README.md', 'testrun.yaml'].map((f) => join(plan.outDir, f));
  await writeFile(files[0]!, script);
  await writeFile(files[1]!, k6Readme(config, { embedded, notConverted, parallelism: plan.parallelism }));
  await writeFile(files[2]!, k6TestRun(config, plan.parallelism));
  const notes = notConverted.map((n) => `threshold not checked by k6: ${n}`);
  if (embedded) {
    notes.push(
      `the catalog was discovered on an embedded reference site (seed ${plan.run.seed}) that is stopped now: ` +
        'give the targets at run time with -e PATCHSTORM_MP=… -e PATCHSTORM_SUP=… (README.md)',
    );
  }
  return { script, config, files, notes };
}
