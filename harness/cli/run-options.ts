// `patchstorm run` options: every flag is checked before anything starts (no site process, no worker),
// each error naming the flag, the value and what would be valid. The profile itself is resolved by the
// command (it may import a .ts file); `planRun` then merges profile and flags into a RunPlan.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { formatDuration, parseDuration, type Profile } from '../../profiles/index.ts';
import { CONNECTIONS, MAX_IN_FLIGHT } from '../engine/send-limits.ts';
import { observerTokenProblem } from '../../protocol/observer.ts';
import type { HttpLimits } from '../engine/http-limits.ts';
import { OutputError } from '../metrics/outputs/output.ts';
import { type OutputSpec, parseOutFlags } from '../metrics/outputs/outputs.ts';
import type { Thresholds } from '../metrics/thresholds.ts';
import type { RunPlan } from '../run/plan.ts';
import { HttpLimitOptionError, parseHttpLimitFlags } from '../run/http-limit-options.ts';
import { applyThresholdFlag, ThresholdFlagError, thresholdsOfProfile } from '../run/threshold-flag.ts';
import { checkPemOption } from './pem-option.ts';
import { observerTokenSetting } from './observer-token.ts';
import { OptionError } from './serve-options.ts';

export { OptionError };

export const DEFAULT_PROFILE = 'patch-tuesday';
export const MAX_CLIENTS = 200_000;

export interface RunFlags {
  profile?: string;
  clients?: string;
  duration?: string;
  speed?: string;
  seed?: string;
  workers?: string;
  connections?: string;
  maxInFlight?: string;
  mp?: string;
  sup?: string[];
  dp?: string[];
  observer?: string;
  observerToken?: string;
  siteCode?: string;
  ca?: string;
  insecure?: boolean;
  /** Repeatable `--out NAME[=ARG]` (a bare folder is the deprecated form of --out-dir). */
  out?: string[];
  outDir?: string;
  grafanaUrl?: string;
  requestTimeout?: string;
  maxReplySize?: string;
  maxBuffered?: string;
  threshold?: string[];
}

/** Flags after the checks that need no profile: numbers parsed, URLs and files verified. */
export interface CheckedRunFlags {
  profile: string;
  clients?: number;
  durationMs?: number;
  speed?: number;
  seed?: number;
  workers?: number;
  connections?: number;
  maxInFlight?: number;
  target: RunPlan['target'];
  tls: RunPlan['tls'];
  outDir: string;
  outputs: OutputSpec[];
  grafanaUrl?: string;
  /** Said before the run (e.g. a deprecated form of an option). */
  notices: string[];
  /** Request deadline and reply memory limits (defaults: engine/http-limits.ts). */
  limits: HttpLimits;
  thresholds: Thresholds;
}

export function integer(option: string, value: string, min: number, max: number, what: string): number {
  const n = Number(value.replaceAll('_', ''));
  if (!/^\d[\d_]*$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new OptionError(option, value, `expected ${what}: a whole number from ${min} to ${max}`);
  }
  return n;
}

export function httpUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OptionError(option, value, 'expected an http:// or https:// URL, e.g. http://sup01:8530');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new OptionError(option, value, 'expected an http:// or https:// URL, e.g. http://sup01:8530');
  }
  // Origins only matter to the clients (paths are the protocol's); drop a trailing slash.
  return value.replace(/\/+$/, '');
}

/** A folder name like 2026-05-12T09-30-00 (sortable, no characters shells or Windows dislike). */
export function timestampFolder(now = new Date()): string {
  return now.toISOString().slice(0, 19).replaceAll(':', '-');
}

export function checkRunFlags(flags: RunFlags, now = new Date()): CheckedRunFlags {
  const checked: CheckedRunFlags = {
    profile: flags.profile ?? DEFAULT_PROFILE,
    target: { kind: 'embedded' },
    tls: {},
    outDir: flags.outDir ?? join('reports', timestampFolder(now)),
    outputs: [],
    notices: [],
    limits: {},
    thresholds: {},
  };
  if (flags.profile !== undefined && flags.profile.trim() === '') {
    throw new OptionError(
      '--profile',
      flags.profile,
      'expected a built-in profile name or a .ts/.js/.json file',
    );
  }
  if (flags.clients !== undefined) {
    checked.clients = integer('--clients', flags.clients, 1, MAX_CLIENTS, 'the number of emulated clients');
  }
  if (flags.duration !== undefined) {
    const ms = parseDuration(flags.duration);
    if (ms === undefined || !(ms > 0)) {
      throw new OptionError(
        '--duration',
        flags.duration,
        "expected a virtual duration > 0 like '90m', '6h', '1d'",
      );
    }
    checked.durationMs = ms;
  }
  if (flags.speed !== undefined) {
    const speed = Number(flags.speed);
    if (flags.speed.trim() === '' || !Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) {
      throw new OptionError(
        '--speed',
        flags.speed,
        'expected virtual seconds per wall second: a number > 0 and <= 1000000',
      );
    }
    checked.speed = speed;
  }
  if (flags.seed !== undefined) checked.seed = integer('--seed', flags.seed, 0, 2 ** 31 - 1, 'a run seed');
  if (flags.workers !== undefined)
    checked.workers = integer('--workers', flags.workers, 1, 256, 'worker threads');
  if (flags.connections !== undefined) {
    checked.connections = integer(
      '--connections',
      flags.connections,
      CONNECTIONS.min,
      CONNECTIONS.max,
      'sockets per target origin and worker thread',
    );
  }
  if (flags.maxInFlight !== undefined) {
    checked.maxInFlight = integer(
      '--max-in-flight',
      flags.maxInFlight,
      MAX_IN_FLIGHT.min,
      MAX_IN_FLIGHT.max,
      'requests in flight per worker thread',
    );
  }

  const sups = (flags.sup ?? []).map((u) => httpUrl('--sup', u));
  const dps = (flags.dp ?? []).map((u) => httpUrl('--dp', u));
  const mp = flags.mp === undefined ? undefined : httpUrl('--mp', flags.mp);
  const observer = flags.observer === undefined ? undefined : httpUrl('--observer', flags.observer);
  if (mp === undefined) {
    // Without an MP there is no external target: every target flag would be silently ignored.
    const stray =
      sups.length > 0 ? ['--sup', flags.sup![0]!] : dps.length > 0 ? ['--dp', flags.dp![0]!] : undefined;
    if (stray)
      throw new OptionError(
        stray[0]!,
        stray[1]!,
        'needs --mp as well (an external site is --mp with its --sup URLs)',
      );
    if (observer !== undefined) {
      throw new OptionError(
        '--observer',
        flags.observer!,
        'needs --mp (the embedded site brings its own observer)',
      );
    }
    if (flags.siteCode !== undefined) {
      throw new OptionError(
        '--site-code',
        flags.siteCode,
        'needs --mp (the embedded site has its own site code)',
      );
    }
  } else {
    if (sups.length === 0) {
      throw new OptionError(
        '--mp',
        flags.mp!,
        'needs at least one --sup URL (the SUPs the clients scan against)',
      );
    }
    const siteCode = flags.siteCode ?? 'PS1';
    if (!/^[A-Z0-9]{3}$/.test(siteCode)) {
      throw new OptionError('--site-code', siteCode, 'expected 3 upper-case letters or digits, like PS1');
    }
    checked.target = { kind: 'external', mp, sups, dps, siteCode, ...(observer ? { observer } : {}) };
    // The observer's bearer token (the embedded site makes its own for every run).
    const token = observerTokenSetting(flags.observerToken);
    if (token !== undefined && observer !== undefined) {
      const problem = observerTokenProblem(token.token);
      // A secret: the message names where it came from, never the value.
      if (problem !== undefined) throw new OptionError(token.source, '<hidden>', problem);
      checked.target.observerToken = token.token;
    }
  }

  if (flags.ca !== undefined && flags.insecure) {
    throw new OptionError(
      '--ca',
      flags.ca,
      'cannot be combined with --insecure (trust a CA or trust anything: pick one)',
    );
  }
  if (flags.ca !== undefined) {
    checkPemOption('--ca', flags.ca, 'certificate');
    checked.tls = { caFile: flags.ca };
  }
  if (flags.insecure) checked.tls = { insecure: true };

  const outs = checkOutFlags(flags.out ?? []);
  checked.outputs = outs.specs;
  if (outs.legacyOutDir !== undefined) {
    if (flags.outDir !== undefined) {
      throw new OptionError(
        '--out',
        outs.legacyOutDir,
        `a folder given twice (--out-dir ${JSON.stringify(flags.outDir)} as well): --out now names an output (NAME=ARG); use --out-dir alone`,
      );
    }
    checked.outDir = outs.legacyOutDir;
    checked.notices.push(
      `--out ${outs.legacyOutDir}: a bare folder is deprecated, use --out-dir ${outs.legacyOutDir} (--out now names an output, e.g. --out influxdb=URL)`,
    );
  }
  if (flags.outDir !== undefined || outs.legacyOutDir !== undefined) {
    const option = flags.outDir !== undefined ? '--out-dir' : '--out';
    let isFile = false;
    try {
      isFile = !statSync(checked.outDir).isDirectory();
    } catch {
      // Missing is fine: it is created before the run starts (and refused then if it cannot be).
    }
    if (checked.outDir.trim() === '' || isFile) {
      throw new OptionError(
        option,
        checked.outDir,
        "expected a folder for the run's files (created if missing)",
      );
    }
  }
  if (flags.grafanaUrl !== undefined) checked.grafanaUrl = httpUrl('--grafana-url', flags.grafanaUrl);
  try {
    checked.limits = parseHttpLimitFlags(flags);
  } catch (err) {
    if (err instanceof HttpLimitOptionError) {
      const m = /^(\S+) ("(?:[^"\\]|\\.)*"): (.*)$/.exec(err.message);
      if (m) throw new OptionError(m[1]!, JSON.parse(m[2]!) as string, m[3]!);
    }
    throw err;
  }
  for (const t of flags.threshold ?? []) {
    try {
      checked.thresholds = applyThresholdFlag(checked.thresholds, t);
    } catch (err) {
      if (err instanceof ThresholdFlagError) throw new OptionError('--threshold', t, err.expected);
      throw err;
    }
  }
  return checked;
}

function checkOutFlags(values: readonly string[]): ReturnType<typeof parseOutFlags> {
  try {
    return parseOutFlags(values);
  } catch (err) {
    if (err instanceof OutputError) throw new OptionError('--out', values.join(' '), err.message);
    throw err;
  }
}

/** Profile + flags: the flags win; every profile event must still fall inside the run. */
export function planRun(profile: Profile, flags: CheckedRunFlags): RunPlan {
  const durationMs = flags.durationMs ?? profile.duration;
  profile.events.forEach((e, i) => {
    if (e.at > durationMs) {
      throw new OptionError(
        '--duration',
        formatDuration(durationMs),
        `expected at least ${formatDuration(e.at)}: profile '${profile.name}' events[${i}] (${e.kind}) happens then`,
      );
    }
  });
  const p95Ms = { ...thresholdsOfProfile(profile.thresholds).p95Ms, ...flags.thresholds.p95Ms };
  return {
    profile,
    fleetSize: flags.clients ?? profile.fleet.clients,
    speed: flags.speed ?? profile.speed,
    durationMs,
    seed: flags.seed ?? profile.fleet.seed,
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    ...sendLimits(profile, flags),
    target: flags.target,
    tls: flags.tls,
    outDir: flags.outDir,
    outputs: [...profileOutputs(profile), ...flags.outputs],
    limits: flags.limits,
    ...(flags.grafanaUrl ? { grafanaUrl: flags.grafanaUrl } : {}),
    thresholds: {
      ...thresholdsOfProfile(profile.thresholds),
      ...flags.thresholds,
      ...(Object.keys(p95Ms).length > 0 ? { p95Ms } : {}),
    },
  };
}

/** The profile's `outputs`, read like --out values (a folder is not an output there). */
function profileOutputs(profile: Profile): OutputSpec[] {
  let parsed: ReturnType<typeof parseOutFlags>;
  try {
    parsed = parseOutFlags(profile.outputs);
  } catch (err) {
    if (err instanceof OutputError)
      throw new OptionError(`profile '${profile.name}' outputs`, profile.outputs.join(' '), err.message);
    throw err;
  }
  if (parsed.legacyOutDir !== undefined) {
    throw new OptionError(
      `profile '${profile.name}' outputs`,
      parsed.legacyOutDir,
      'expected an output as NAME=ARG (e.g. influxdb=http://influx:8086/patchstorm), not a folder',
    );
  }
  return parsed.specs;
}

/** Connection and in-flight limits: the flag, else the profile's `generator` section, else the engine's default. */
function sendLimits(profile: Profile, flags: CheckedRunFlags): Pick<RunPlan, 'connections' | 'maxInFlight'> {
  const connections = flags.connections ?? profile.generator.connections;
  const maxInFlight = flags.maxInFlight ?? profile.generator.maxInFlight;
  return {
    ...(connections !== undefined ? { connections } : {}),
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
  };
}
