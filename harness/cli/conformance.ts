// `patchstorm conformance`: checks that a site follows the protocol. With no endpoint options it starts
// the embedded reference site (ephemeral ports, manual clock) and checks that.
//
// Exit codes: 0 every check that ran passed (skips allowed), 1 at least one check failed,
// 2 invalid options (nothing was run), 3 the run itself could not happen (embedded site did not start,
// a report file could not be written).
import { closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { Command, type CommanderError } from 'commander';
import { startEmbeddedSite } from '../../conformance/embedded-site.ts';
import { ALL_CHECKS, selectChecks } from '../../conformance/registry.ts';
import { formatJsonReport } from '../../conformance/report/json.ts';
import { formatJunitReport } from '../../conformance/report/junit.ts';
import { formatResultLine, formatSummary } from '../../conformance/report/text.ts';
import { runConformance } from '../../conformance/suite.ts';
import { type ConformanceTarget, isEmptyTarget, OptionError, parseTarget } from '../../conformance/target.ts';
import { observerTokenProblem } from '../../protocol/observer.ts';
import { observerTokenSetting } from './observer-token.ts';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_OPTIONS = 2;
export const EXIT_RUN_ERROR = 3;

export interface ConformanceCliOptions {
  mp?: string;
  sup?: string;
  supHttps?: string;
  dp?: string;
  observer?: string;
  observerToken?: string;
  ca?: string;
  only?: string[];
  junit?: string;
  json?: string;
  expectStandardPorts?: boolean;
  checkTimeout?: string;
  list?: boolean;
}

export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleOutput: CliOutput = { out: (l) => console.log(l), err: (l) => console.error(l) };

export function conformanceCommand(): Command {
  return new Command('conformance')
    .description(
      'Check that a ConfigMgr site (SUP/WSUS, MP, DP) follows the protocol. ' +
        'With no endpoint given, starts the embedded reference site and checks it.',
    )
    .option('--mp <url>', 'management point origin, e.g. http://mp.contoso.com')
    .option('--sup <url>', 'SUP web services over HTTP, e.g. http://sup.contoso.com:8530')
    .option('--sup-https <url>', 'SUP web services over HTTPS, e.g. https://sup.contoso.com:8531')
    .option('--dp <url>', 'distribution point origin, e.g. http://dp.contoso.com')
    .option('--observer <url>', 'observer API of a patchstorm reference site (a real site has none)')
    .option(
      '--observer-token <token>',
      'bearer token of an observer started with one (default: $PATCHSTORM_OBSERVER_TOKEN)',
    )
    .option('--ca <file>', 'PEM CA that the HTTPS certificates must chain to')
    .option('--only <id...>', 'run only these checks (see --list)')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write a JSON report')
    .option(
      '--expect-standard-ports',
      'fail sup-ports unless the SUP answers on 8530/8531 (W-PORTS defaults)',
    )
    .option('--check-timeout <seconds>', 'longest a check may wait without any reply from the target', '60')
    .option('--list', 'list the checks and the rules they enforce, then exit')
    .exitOverride((err: CommanderError) => {
      // Commander's own usage errors (unknown option, missing value) are option errors too: exit 2.
      if (err.exitCode !== 0) process.exit(EXIT_BAD_OPTIONS);
    })
    .action(async (opts: ConformanceCliOptions) => {
      process.exitCode = await runConformanceCli(opts, consoleOutput);
    });
}

interface ValidatedOptions {
  target: ConformanceTarget;
  checks: ReturnType<typeof selectChecks>;
  checkTimeoutMs: number;
  junit?: string;
  json?: string;
}

function validate(opts: ConformanceCliOptions): ValidatedOptions {
  const token = observerTokenSetting(opts.observerToken);
  const tokenProblem = token === undefined ? undefined : observerTokenProblem(token.token);
  if (token !== undefined && tokenProblem !== undefined) {
    throw new OptionError(token.source, '<hidden>', tokenProblem);
  }
  const target = parseTarget({ ...opts, observerToken: token?.token });
  const checks = selectChecks(opts.only);
  const seconds = Number(opts.checkTimeout ?? '60');
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new OptionError(
      '--check-timeout',
      String(opts.checkTimeout),
      'expected seconds between 1 and 3600',
    );
  }
  for (const [option, file] of [
    ['--junit', opts.junit],
    ['--json', opts.json],
  ] as const) {
    if (file === undefined) continue;
    const problem = unwritableFile(file);
    if (problem !== undefined) throw new OptionError(option, file, problem);
  }
  return { target, checks, checkTimeoutMs: seconds * 1000, junit: opts.junit, json: opts.json };
}

/**
 * Why a report cannot be written to `file`, found before any check runs: the file is opened for
 * appending (so an existing report is not truncated yet) and a file that was not there is removed again.
 * Opening, rather than asking access(), also holds for root, for whom access() says yes to everything.
 */
function unwritableFile(file: string): string | undefined {
  const existed = existsSync(file);
  try {
    closeSync(openSync(file, 'a'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unwritable';
    return code === 'EISDIR'
      ? 'expected a file path, not a folder'
      : `expected a file path in an existing, writable folder (${code})`;
  }
  if (!existed) rmSync(file, { force: true });
  return undefined;
}

/** The whole command minus process handling; returns the exit code (tests call this directly). */
export async function runConformanceCli(
  opts: ConformanceCliOptions,
  io: CliOutput = consoleOutput,
): Promise<number> {
  if (opts.list) {
    for (const c of ALL_CHECKS) io.out(`${c.id.padEnd(22)} [${c.rules.join(', ')}] ${c.title}`);
    return EXIT_OK;
  }
  let valid: ValidatedOptions;
  try {
    valid = validate(opts);
  } catch (err) {
    if (err instanceof OptionError) {
      io.err(`patchstorm conformance: ${err.message}`);
      return EXIT_BAD_OPTIONS;
    }
    throw err;
  }

  let embedded: Awaited<ReturnType<typeof startEmbeddedSite>> | undefined;
  let target = valid.target;
  if (isEmptyTarget(target)) {
    try {
      embedded = await startEmbeddedSite();
    } catch (err) {
      io.err(
        `patchstorm conformance: could not start the embedded reference site: ${(err as Error).message}`,
      );
      return EXIT_RUN_ERROR;
    }
    target = { ...embedded.target, expectStandardPorts: target.expectStandardPorts };
    io.out('No target given: checking the embedded reference site (ephemeral ports, manual clock).');
  }

  try {
    const report = await runConformance({
      target,
      checks: valid.checks,
      checkTimeoutMs: valid.checkTimeoutMs,
      onResult: (r) => io.out(formatResultLine(r)),
    });
    io.out(formatSummary(report));
    try {
      if (valid.junit) writeFileSync(valid.junit, formatJunitReport(report));
      if (valid.json) writeFileSync(valid.json, formatJsonReport(report));
    } catch (err) {
      io.err(`patchstorm conformance: could not write a report: ${(err as Error).message}`);
      return EXIT_RUN_ERROR;
    }
    return report.counts.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
  } finally {
    await embedded?.stop();
  }
}
