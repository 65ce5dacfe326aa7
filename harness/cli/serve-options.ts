// `patchstorm serve` options: each flag's parser names the flag, the value and what is valid, and the
// cross-flag rules run before anything starts. Turns the flags into startSite options.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { observerTokenProblem } from '../../protocol/observer.ts';
import { parseFaultConfig } from '../../site/faults.ts';
import type { StartSiteOptions } from '../../site/options.ts';
import { InvalidInputError } from '../../site/validation.ts';
import { VIOLATION_NAMES } from '../../site/violations.ts';
import { observerTokenSetting } from './observer-token.ts';
import { checkPemOption } from './pem-option.ts';

export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    readonly option: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`${option} ${JSON.stringify(value)}: ${expected}`);
  }
}

export interface ServeFlags {
  bind?: string;
  hostName?: string;
  siteCode?: string;
  supHttpPort?: string;
  supHttpsPort?: string;
  mpHttpPort?: string;
  mpHttpsPort?: string;
  observerPort?: string;
  observerToken?: string;
  speed?: string;
  manualClock?: boolean;
  seed?: string;
  catalogSize?: string;
  builds?: string;
  fileSizeMin?: string;
  fileSizeMax?: string;
  loaderThreads?: string;
  recordsPerMinute?: string;
  backPressure?: string;
  backPressureRetryAfter?: string;
  supMaxInFlight?: string;
  mpMaxInFlight?: string;
  dpMaxInFlight?: string;
  stopOnStdinEnd?: boolean;
  cert?: string;
  key?: string;
  ca?: string;
  certDir?: string;
  violation?: string[];
  faults?: string;
  auth?: string;
  authServiceUrl?: string;
  timeStyle?: string;
}

function integer(option: string, value: string, min: number, max: number, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new OptionError(option, value, `expected ${what}: a whole number from ${min} to ${max}`);
  }
  return n;
}

function port(option: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : integer(option, value, 0, 65535, 'a TCP port (0 = any free port)');
}

function readableFile(option: string, file: string): void {
  try {
    accessSync(file, constants.R_OK);
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new OptionError(option, file, 'expected a readable file');
  }
}

export function parseServeFlags(flags: ServeFlags): StartSiteOptions {
  const options: StartSiteOptions = {};

  if (flags.bind !== undefined) {
    if (isIP(flags.bind) === 0 && flags.bind !== 'localhost') {
      throw new OptionError(
        '--bind',
        flags.bind,
        'expected an IP address (127.0.0.1, 0.0.0.0, ::1, ...) or localhost',
      );
    }
    options.bindAddress = flags.bind;
  }
  if (flags.hostName !== undefined) {
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(flags.hostName)) {
      throw new OptionError('--host-name', flags.hostName, 'expected a DNS name or IP address');
    }
    options.hostName = flags.hostName;
  }
  if (flags.siteCode !== undefined) {
    if (!/^[A-Z0-9]{3}$/.test(flags.siteCode)) {
      throw new OptionError(
        '--site-code',
        flags.siteCode,
        'expected 3 upper-case letters or digits, like PS1',
      );
    }
    options.siteCode = flags.siteCode;
  }
  options.supHttpPort = port('--sup-http-port', flags.supHttpPort);
  options.supHttpsPort = port('--sup-https-port', flags.supHttpsPort);
  options.mpHttpPort = port('--mp-http-port', flags.mpHttpPort);
  options.mpHttpsPort = port('--mp-https-port', flags.mpHttpsPort);
  options.observerPort = port('--observer-port', flags.observerPort);
  const token = observerTokenSetting(flags.observerToken);
  if (token !== undefined) {
    const problem = observerTokenProblem(token.token);
    // A secret: the message names where it came from, never the value.
    if (problem !== undefined) throw new OptionError(token.source, '<hidden>', problem);
    options.observerToken = token.token;
  }

  if (flags.speed !== undefined && flags.manualClock) {
    throw new OptionError('--speed', flags.speed, 'cannot be combined with --manual-clock (pick one)');
  }
  if (flags.speed !== undefined) {
    const speed = Number(flags.speed);
    if (!Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) {
      throw new OptionError(
        '--speed',
        flags.speed,
        'expected site seconds per wall second: a number > 0 and <= 1000000',
      );
    }
    options.clock = { mode: 'real', speed };
  }
  if (flags.manualClock) options.clock = { mode: 'manual' };

  if (
    flags.seed !== undefined ||
    flags.catalogSize !== undefined ||
    flags.builds !== undefined ||
    flags.fileSizeMin !== undefined ||
    flags.fileSizeMax !== undefined
  ) {
    options.catalog = {
      seed:
        flags.seed === undefined ? undefined : integer('--seed', flags.seed, 0, 0xffffffff, 'a catalog seed'),
      leafUpdates:
        flags.catalogSize === undefined
          ? undefined
          : integer('--catalog-size', flags.catalogSize, 1, 100_000, 'the number of leaf updates'),
    };
    if (flags.builds !== undefined) {
      options.catalog.builds = flags.builds
        .split(',')
        .map((b) => integer('--builds', b.trim(), 1, 999_999, 'comma-separated OS build numbers'));
    }
    if (flags.fileSizeMin !== undefined || flags.fileSizeMax !== undefined) {
      const bytes = (option: string, v: string) => integer(option, v, 1, 2 ** 31 - 1, 'a file size in bytes');
      const min = flags.fileSizeMin === undefined ? 200_000 : bytes('--file-size-min', flags.fileSizeMin);
      const max =
        flags.fileSizeMax === undefined
          ? Math.max(min, 2_500_000)
          : bytes('--file-size-max', flags.fileSizeMax);
      if (min > max) {
        throw new OptionError('--file-size-min', String(min), `expected at most --file-size-max (${max})`);
      }
      options.catalog.fileSizes = { min, max };
    }
  }
  if (flags.backPressureRetryAfter !== undefined && flags.backPressure === undefined) {
    throw new OptionError(
      '--back-pressure-retry-after',
      flags.backPressureRetryAfter,
      'only means something with --back-pressure <depth>',
    );
  }
  if (
    flags.loaderThreads !== undefined ||
    flags.recordsPerMinute !== undefined ||
    flags.backPressure !== undefined
  ) {
    options.processor = {
      ...(flags.backPressure === undefined
        ? {}
        : {
            backPressure: {
              depth: integer('--back-pressure', flags.backPressure, 1, 100_000_000, 'waiting state messages'),
              retryAfterSeconds:
                flags.backPressureRetryAfter === undefined
                  ? 60
                  : integer(
                      '--back-pressure-retry-after',
                      flags.backPressureRetryAfter,
                      1,
                      86_400,
                      'Retry-After seconds',
                    ),
            },
          }),
      ...(flags.loaderThreads === undefined
        ? {}
        : { loaderThreads: integer('--loader-threads', flags.loaderThreads, 1, 64, 'loader threads') }),
      ...(flags.recordsPerMinute === undefined
        ? {}
        : {
            recordsPerMinutePerLoader: integer(
              '--records-per-minute',
              flags.recordsPerMinute,
              1,
              100_000_000,
              'state messages per loader thread per site minute',
            ),
          }),
    };
  }

  const limit = (option: string, v: string) =>
    integer(option, v, 1, 1_000_000, 'requests in flight before the front-end answers 503');
  if (flags.supMaxInFlight !== undefined)
    options.supMaxInFlight = limit('--sup-max-in-flight', flags.supMaxInFlight);
  if (flags.mpMaxInFlight !== undefined)
    options.mpMaxInFlight = limit('--mp-max-in-flight', flags.mpMaxInFlight);
  if (flags.dpMaxInFlight !== undefined)
    options.dpMaxInFlight = limit('--dp-max-in-flight', flags.dpMaxInFlight);

  const tlsGiven = [
    ['--cert', flags.cert],
    ['--key', flags.key],
    ['--ca', flags.ca],
  ] as const;
  const given = tlsGiven.filter(([, v]) => v !== undefined);
  if (given.length > 0 && given.length < 3) {
    const missing = tlsGiven.filter(([, v]) => v === undefined).map(([o]) => o);
    throw new OptionError(
      given[0]![0],
      given[0]![1]!,
      `needs ${missing.join(' and ')} as well (--cert, --key and --ca go together)`,
    );
  }
  if (given.length === 3) {
    for (const [option, file] of tlsGiven)
      checkPemOption(option, file!, option === '--key' ? 'private key' : 'certificate');
    if (flags.certDir !== undefined) {
      throw new OptionError(
        '--cert-dir',
        flags.certDir,
        'is only for generated certificates; drop it when giving --cert/--key/--ca',
      );
    }
    options.tlsFiles = { certFile: flags.cert!, keyFile: flags.key!, caFile: flags.ca! };
  }
  if (flags.certDir !== undefined) options.certDir = flags.certDir;

  if (flags.violation !== undefined) {
    for (const name of flags.violation) {
      if (!(VIOLATION_NAMES as readonly string[]).includes(name)) {
        throw new OptionError('--violation', name, `expected one of: ${VIOLATION_NAMES.join(', ')}`);
      }
    }
    options.violations = flags.violation;
  }

  if (flags.faults !== undefined) options.faults = readFaultsFile(flags.faults);
  parseSupProtocolFlags(flags, options);
  return options;
}

/** W-AUTH and W-TIME: what the SUP's GetConfig advertises for authorization and how it writes times. */
function parseSupProtocolFlags(flags: ServeFlags, options: StartSiteOptions): void {
  if (flags.auth !== undefined) {
    if (flags.auth !== 'simple' && flags.auth !== 'anonymous') {
      throw new OptionError(
        '--auth',
        flags.auth,
        "expected 'simple' (SimpleTargeting plug-in and its service, as real WSUS) or 'anonymous' (only the Anonymous plug-in, no authorization service)",
      );
    }
    options.auth = flags.auth;
  }
  if (flags.authServiceUrl !== undefined) {
    if (options.auth === 'anonymous') {
      throw new OptionError(
        '--auth-service-url',
        flags.authServiceUrl,
        'an anonymous SUP has no authorization service; drop it or use --auth simple',
      );
    }
    options.authServiceUrl = flags.authServiceUrl;
  }
  if (flags.timeStyle !== undefined) {
    if (flags.timeStyle !== 'wsus' && flags.timeStyle !== 'offset' && flags.timeStyle !== 'plain') {
      throw new OptionError(
        '--time-style',
        flags.timeStyle,
        "expected 'wsus' (UTC with Z, as real WSUS), 'offset' (+00:00) or 'plain' (no zone)",
      );
    }
    options.timeStyle = flags.timeStyle;
  }
}

function readFaultsFile(file: string): StartSiteOptions['faults'] {
  readableFile('--faults', file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OptionError('--faults', file, `expected a JSON file (${(err as Error).message})`);
  }
  try {
    return parseFaultConfig(json);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new OptionError('--faults', file, err.message);
    throw err;
  }
}
