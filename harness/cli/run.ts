// `patchstorm run`: emulate a fleet against a site for a profile's virtual duration and report what the
// servers did. Every option and the profile are checked before anything starts (exit 2 naming the
// option or profile field, its value and what is valid); without --mp the embedded reference site is
// started in child processes and stopped at the end, also on Ctrl-C.
import { Command, type CommanderError } from 'commander';
import { BUILTIN_PROFILES, ProfileError, ProfileLoadError, resolveProfile } from '../../profiles/index.ts';
import { FleetBehaviourOptionsError } from '../client/behaviour-options.ts';
import { CONNECTIONS, MAX_IN_FLIGHT } from '../engine/send-limits.ts';
import { FleetConfigError } from '../fleet/config.ts';
import { EXIT_ABORTED, EXIT_CODES, EXIT_INVALID_INPUT } from '../metrics/exit-codes.ts';
import { OutputError } from '../metrics/outputs/output.ts';
import { OUTPUT_KINDS } from '../metrics/outputs/outputs.ts';
import {
  checkRunFlags,
  DEFAULT_PROFILE,
  MAX_CLIENTS,
  OptionError,
  planRun,
  type RunFlags,
} from './run-options.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function runCommand(): Command {
  return new Command('run')
    .description(
      'Emulate ConfigMgr clients against a site (default: an embedded reference site on loopback) for a ' +
        'profile, with live progress, a summary table and summary.json.',
    )
    .option(
      '--profile <name|file>',
      `built-in profile (${[...BUILTIN_PROFILES.keys()].join(', ')}) or a .ts/.js/.json file`,
      DEFAULT_PROFILE,
    )
    .option(
      '--clients <n>',
      `emulated clients, 1..${MAX_CLIENTS.toLocaleString('en-US')} (default: the profile's)`,
    )
    .option('--duration <d>', "virtual duration, e.g. '6h', '1d' (default: the profile's)")
    .option('--speed <x>', "virtual seconds per wall second (default: the profile's; 60 = an hour a minute)")
    .option('--seed <s>', "run seed (default: the profile's fleet.seed)")
    .option('--workers <n>', 'worker threads (default: one per core, less one for the embedded site)')
    .option(
      '--connections <n>',
      `sockets per target origin, per worker thread, ${CONNECTIONS.min}..${CONNECTIONS.max.toLocaleString('en-US')} ` +
        `(default: the profile's generator.connections, else ${CONNECTIONS.default})`,
    )
    .option(
      '--max-in-flight <n>',
      `requests in flight per worker thread; more are skipped and counted, ${MAX_IN_FLIGHT.min}..` +
        `${MAX_IN_FLIGHT.max.toLocaleString('en-US')} (default: the profile's generator.maxInFlight, else ` +
        `${MAX_IN_FLIGHT.default.toLocaleString('en-US')})`,
    )
    .option('--mp <url>', 'management point of an existing site (no embedded site), e.g. http://mp01')
    .option('--sup <url>', 'software update point of that site, in client order (repeatable)', collect)
    .option(
      '--dp <url>',
      'distribution point of that site (repeatable; recorded in the report: clients take DPs from the MP)',
      collect,
    )
    .option('--observer <url>', 'observer API of a patchstorm reference site used as --mp/--sup target')
    .option(
      '--observer-token <token>',
      "that observer's bearer token (or PATCHSTORM_OBSERVER_TOKEN); the embedded site gets a new one every run",
    )
    .option('--site-code <code>', 'site code of that site (default PS1)')
    .option('--ca <file>', 'CA certificate (PEM) to trust for HTTPS targets')
    .option('--insecure', 'accept any HTTPS certificate')
    .option(
      '--out <name[=arg]>',
      `an output, repeatable: ${Object.values(OUTPUT_KINDS)
        .map((k) => k.usage)
        .join('; ')} (a bare folder, the old form, still works as --out-dir)`,
      collect,
    )
    .option(
      '--out-dir <dir>',
      "folder for the run's files: summary.json, timeline.ndjson (default reports/<timestamp>)",
    )
    .option(
      '--grafana-url <url>',
      'your Grafana, e.g. http://grafana:3000: the end of the run prints a ready dashboard link',
    )
    .option(
      '--threshold <limit>',
      "pass/fail limit, repeatable: 'p95:wsus.SyncUpdates<500ms', 'p95:*<2s', 'errorRate<0.01', " +
        "'maxBacklogAge<2h', 'latenessP99<50ms'",
      collect,
    )
    .addHelpText(
      'after',
      `\nExit codes:\n${Object.entries(EXIT_CODES)
        .map(([code, text]) => `  ${code.padStart(3)}  ${text}`)
        .join('\n')}\n`,
    )
    .exitOverride((err: CommanderError) => {
      // Commander's own usage errors (unknown option, missing value) are option errors too: exit 2.
      if (err.exitCode !== 0) process.exit(EXIT_INVALID_INPUT);
      process.exit(0);
    })
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCli(flags);
    });
}

/** Checks everything, runs, returns the exit code. */
export async function runCli(flags: RunFlags): Promise<number> {
  let plan: ReturnType<typeof planRun>;
  try {
    const checked = checkRunFlags(flags);
    for (const n of checked.notices) console.error(`patchstorm run: note: ${n}`);
    const profile = await resolveProfile(checked.profile);
    plan = planRun(profile, checked);
  } catch (err) {
    if (err instanceof OptionError || err instanceof ProfileError || err instanceof ProfileLoadError) {
      console.error(`patchstorm run: ${err.message}`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
  // Loaded only once the input is good: a typo is reported without loading the engine.
  const { runPlan } = await import('../run/run-plan.ts');
  try {
    const { exitCode } = await runPlan(plan);
    return exitCode;
  } catch (err) {
    // Bad fleet settings, or an output that cannot work (a folder that cannot be written, an InfluxDB
    // that does not answer): refused before anything of the load was sent.
    if (
      err instanceof FleetConfigError ||
      err instanceof FleetBehaviourOptionsError ||
      err instanceof OutputError
    ) {
      console.error(`patchstorm run: ${err.message}`);
      return EXIT_INVALID_INPUT;
    }
    console.error(`patchstorm run: aborted: ${(err as Error).message}`);
    return EXIT_ABORTED;
  }
}
