// `patchstorm bench` options, all checked before anything is sent: each error names the option, the
// value and what would be valid.
import { readFileSync } from 'node:fs';
import { parseDuration } from '../../profiles/index.ts';
import { checkPemOption } from './pem-option.ts';
import { httpUrl, integer, OptionError } from './run-options.ts';
import { BENCH_OPERATIONS, type BenchOperation, NEEDS } from '../bench/operations.ts';
import type { BenchTarget } from '../bench/requests.ts';

export interface BenchFlags {
  sup?: string;
  mp?: string;
  dpFile?: string;
  siteCode?: string;
  op?: string[];
  connections?: string;
  duration?: string;
  messages?: string;
  rangeBytes?: string;
  timeout?: string;
  ca?: string;
  insecure?: boolean;
  json?: string;
}

export interface BenchPlan {
  target: BenchTarget;
  operations: BenchOperation[];
  connections: number;
  durationS: number;
  timeoutS: number;
  messages: number;
  rangeBytes: number;
  tls: { ca?: Buffer; caFile?: string; insecure?: boolean };
  json?: string;
}

export function checkBenchFlags(flags: BenchFlags): BenchPlan {
  const ops = flags.op ?? [];
  if (ops.length === 0)
    throw new OptionError('--op', '', `expected at least one operation: ${BENCH_OPERATIONS.join(', ')}`);
  for (const op of ops) {
    if (!(BENCH_OPERATIONS as readonly string[]).includes(op))
      throw new OptionError('--op', op, `expected one of ${BENCH_OPERATIONS.join(', ')}`);
  }
  const target: BenchTarget = { siteCode: flags.siteCode ?? 'PS1' };
  if (flags.sup !== undefined) target.sup = httpUrl('--sup', flags.sup);
  if (flags.mp !== undefined) target.mp = httpUrl('--mp', flags.mp);
  if (flags.dpFile !== undefined) target.dpFile = httpUrl('--dp-file', flags.dpFile);
  if (!/^[A-Z0-9]{3}$/.test(target.siteCode))
    throw new OptionError(
      '--site-code',
      target.siteCode,
      'expected 3 upper-case letters or digits, like PS1',
    );
  for (const op of ops as BenchOperation[]) {
    const need = NEEDS[op];
    if (need === 'sup' && !target.sup)
      throw new OptionError('--op', op, 'needs --sup URL (the SUP to measure)');
    if (need === 'mp' && !target.mp) throw new OptionError('--op', op, 'needs --mp URL (the MP to post to)');
    if (need === 'sup-or-dp-file' && !target.sup && !target.dpFile)
      throw new OptionError('--op', op, 'needs --dp-file URL (a file on the DP), or --sup to find one');
  }
  const durationMs = flags.duration === undefined ? 10_000 : parseDuration(flags.duration);
  if (durationMs === undefined || !(durationMs >= 1000 && durationMs <= 3_600_000))
    throw new OptionError('--duration', flags.duration ?? '', "expected 1s to 1h, e.g. '10s', '2m'");
  const plan: BenchPlan = {
    target,
    operations: ops as BenchOperation[],
    connections:
      flags.connections === undefined
        ? 32
        : integer('--connections', flags.connections, 1, 10_000, 'sockets'),
    durationS: Math.round(durationMs / 1000),
    timeoutS:
      flags.timeout === undefined ? 10 : integer('--timeout', flags.timeout, 1, 600, 'seconds per request'),
    messages:
      flags.messages === undefined
        ? 5
        : integer('--messages', flags.messages, 1, 10_000, 'state messages per post'),
    rangeBytes:
      flags.rangeBytes === undefined
        ? 65_536
        : integer('--range-bytes', flags.rangeBytes, 1, 64 * 1024 * 1024, 'bytes per ranged GET'),
    tls: {},
  };
  if (flags.ca !== undefined && flags.insecure)
    throw new OptionError('--ca', flags.ca, 'cannot be combined with --insecure (pick one)');
  if (flags.ca !== undefined) {
    checkPemOption('--ca', flags.ca, 'certificate');
    plan.tls = { ca: readFileSync(flags.ca), caFile: flags.ca };
  }
  if (flags.insecure) plan.tls = { insecure: true };
  if (flags.json !== undefined) {
    if (flags.json.trim() === '') throw new OptionError('--json', flags.json, 'expected a file name');
    plan.json = flags.json;
  }
  return plan;
}
