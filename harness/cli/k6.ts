// `patchstorm k6`: turns a profile into a k6 script (harness/k6, bundled by esbuild for k6 v0.48+) plus a
// README and a k6-operator TestRun, for scale-out runs on k6. Options are checked as `patchstorm run`
// checks its own (exit 2 naming the option); the catalog is discovered at build time (k6-build.ts).
import { Command, type CommanderError } from 'commander';
import { BUILTIN_PROFILES, ProfileError, ProfileLoadError, resolveProfile } from '../../profiles/index.ts';
import { FleetBehaviourOptionsError } from '../client/behaviour-options.ts';
import { FleetConfigError } from '../fleet/config.ts';
import { EXIT_ABORTED, EXIT_INVALID_INPUT } from '../metrics/exit-codes.ts';
import { DiscoveryFailed } from '../run/discover-process.ts';
import type { K6BuildPlan } from './k6-build.ts';
import {
  checkRunFlags,
  DEFAULT_PROFILE,
  integer,
  OptionError,
  planRun,
  type RunFlags,
} from './run-options.ts';

export interface K6Flags {
  profile?: string;
  clients?: string;
  speed?: string;
  duration?: string;
  seed?: string;
  mp?: string;
  sup?: string[];
  siteCode?: string;
  vus?: string;
  parallelism?: string;
  maxBatch?: string;
  out?: string;
}

/**
 * Clients per VU when --vus is not given. A VU steps its slice one http.batch round at a time, and each
 * step of a client's chain (a scan's pages, policy then bodies, HEAD then ranges) waits for the whole round:
 * a round's wall time × speed is added to every step. Measured through the k6-API adapter (npm run
 * k6:compare, patch-tuesday × 1000 clients, 2 h at ×60): 1 VU fell 2–16 % short of the swarm's requests
 * per operation, 4 VUs were within 1 %.
 */
export const CLIENTS_PER_VU = 250;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Checks the flags and the profile: a K6BuildPlan, or an OptionError/ProfileError naming what is wrong. */
export async function planK6(flags: K6Flags): Promise<K6BuildPlan> {
  if (flags.out === undefined || flags.out.trim() === '') {
    throw new OptionError(
      '--out',
      flags.out ?? '',
      'expected the folder to write patchstorm.js, README.md and testrun.yaml to',
    );
  }
  const runFlags: RunFlags = {
    ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
    ...(flags.clients !== undefined ? { clients: flags.clients } : {}),
    ...(flags.speed !== undefined ? { speed: flags.speed } : {}),
    ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.mp !== undefined ? { mp: flags.mp } : {}),
    ...(flags.sup !== undefined ? { sup: flags.sup } : {}),
    ...(flags.siteCode !== undefined ? { siteCode: flags.siteCode } : {}),
  };
  const checked = checkRunFlags(runFlags);
  const vus =
    flags.vus === undefined ? undefined : integer('--vus', flags.vus, 1, 100_000, 'k6 VUs in the whole test');
  const parallelism =
    flags.parallelism === undefined
      ? 1
      : integer('--parallelism', flags.parallelism, 1, 1000, 'k6-operator runner pods');
  const maxBatch =
    flags.maxBatch === undefined
      ? 64
      : integer('--max-batch', flags.maxBatch, 1, 10_000, 'requests per http.batch');
  const run = planRun(await resolveProfile(checked.profile), checked);
  const chosenVus = vus ?? Math.max(parallelism, Math.ceil(run.fleetSize / CLIENTS_PER_VU));
  if (chosenVus > run.fleetSize) {
    throw new OptionError(
      '--vus',
      String(chosenVus),
      `expected at most --clients (${run.fleetSize}): a VU owns at least one client`,
    );
  }
  if (chosenVus < parallelism) {
    throw new OptionError(
      '--parallelism',
      String(parallelism),
      `expected at most --vus (${chosenVus}): each runner needs a VU`,
    );
  }
  return { run, vus: chosenVus, parallelism, outDir: flags.out, maxBatch };
}

export function k6Command(): Command {
  return new Command('k6')
    .description(
      'Write a k6 script (k6 v0.48+) that emulates the fleet of a profile, with a README and a k6-operator ' +
        'TestRun, for scale-out runs on k6 (--execution-segment) or k6-operator.',
    )
    .option(
      '--profile <name|file>',
      `built-in profile (${[...BUILTIN_PROFILES.keys()].join(', ')}) or a .ts/.js/.json file`,
      DEFAULT_PROFILE,
    )
    .option('--clients <n>', "emulated clients in the whole fleet (default: the profile's)")
    .option('--speed <x>', "virtual seconds per wall second (default: the profile's)")
    .option('--duration <d>', "virtual duration, e.g. '6h' (default: the profile's)")
    .option('--seed <s>', "run seed (default: the profile's fleet.seed)")
    .option('--mp <url>', 'management point of the target site (default: discover on an embedded site)')
    .option('--sup <url>', 'software update point of that site, in client order (repeatable)', collect)
    .option('--site-code <code>', 'site code of that site (default PS1)')
    .option('--vus <n>', `k6 VUs in the whole test (default: one per ${CLIENTS_PER_VU} clients)`)
    .option('--parallelism <n>', 'k6-operator runner pods in testrun.yaml (default 1)')
    .option('--max-batch <n>', 'most requests one VU sends in one http.batch (default 64)')
    .requiredOption('--out <dir>', 'folder for patchstorm.js, README.md and testrun.yaml')
    .exitOverride((err: CommanderError) => {
      if (err.exitCode !== 0) process.exit(EXIT_INVALID_INPUT);
      process.exit(0);
    })
    .action(async (flags: K6Flags) => {
      process.exitCode = await k6Cli(flags);
    });
}

export async function k6Cli(
  flags: K6Flags,
  log: (line: string) => void = (l) => console.error(l),
): Promise<number> {
  let plan: K6BuildPlan;
  try {
    plan = await planK6(flags);
  } catch (err) {
    if (err instanceof OptionError || err instanceof ProfileError || err instanceof ProfileLoadError) {
      console.error(`patchstorm k6: ${err.message}`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
  const { buildK6 } = await import('./k6-build.ts');
  try {
    const result = await buildK6(plan, (l) => log(`patchstorm k6: ${l}`));
    for (const n of result.notes) log(`patchstorm k6: note: ${n}`);
    log(
      `patchstorm k6: wrote ${result.files.join(', ')} (${(result.script.length / 1024).toFixed(0)} KiB script, ` +
        `${plan.run.fleetSize} clients over ${plan.vus} VUs)`,
    );
    return 0;
  } catch (err) {
    if (err instanceof FleetConfigError || err instanceof FleetBehaviourOptionsError) {
      console.error(`patchstorm k6: ${err.message}`);
      return EXIT_INVALID_INPUT;
    }
    if (err instanceof DiscoveryFailed) {
      console.error(`patchstorm k6: ${err.message}`);
      return EXIT_ABORTED;
    }
    throw err;
  }
}
