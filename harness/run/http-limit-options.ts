// Pure parsing of the request-deadline and memory-limit options a command may take (`--request-timeout
// 30s`, `--max-reply-size 64MiB`, `--max-buffered 256MiB`), checked against the ranges of their one home,
// engine/http-limits.ts. The result is an HttpLimits for the swarm's transport, discovery and conformance.
import {
  type HttpLimits,
  MAX_BUFFERED_BYTES,
  MAX_REPLY_BYTES,
  REQUEST_TIMEOUT_MS,
} from '../engine/http-limits.ts';
import { parseDuration } from '../../profiles/duration.ts';

export class HttpLimitOptionError extends Error {
  override readonly name = 'HttpLimitOptionError';
  constructor(option: string, value: string, expected: string) {
    super(`${option} ${JSON.stringify(value)}: ${expected}`);
  }
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** '64MiB', '512kb', '1048576' → bytes; undefined when it does not parse. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : undefined;
}

function inRange(
  option: string,
  value: string,
  n: number | undefined,
  r: { min: number; max: number },
  unit: string,
) {
  if (n === undefined || !Number.isFinite(n) || n < r.min || n > r.max) {
    throw new HttpLimitOptionError(option, value, `expected ${unit} from ${r.min} to ${r.max}`);
  }
  return n;
}

export interface HttpLimitFlags {
  /** --request-timeout: a duration ('30s', '2m', or ms). */
  requestTimeout?: string;
  /** --max-reply-size: bytes with an optional unit (B, KB, KiB, MB, MiB, GB, GiB). */
  maxReplySize?: string;
  /** --max-buffered: bytes with an optional unit, per worker. */
  maxBuffered?: string;
}

export function parseHttpLimitFlags(flags: HttpLimitFlags): HttpLimits {
  const out: HttpLimits = {};
  if (flags.requestTimeout !== undefined) {
    const v = flags.requestTimeout;
    const ms = /^\d+$/.test(v.trim()) ? Number(v) : parseDuration(v);
    out.timeoutMs = inRange('--request-timeout', v, ms, REQUEST_TIMEOUT_MS, 'a duration (e.g. 30s) in ms');
  }
  if (flags.maxReplySize !== undefined) {
    const v = flags.maxReplySize;
    out.maxBodyBytes = inRange(
      '--max-reply-size',
      v,
      parseByteSize(v),
      MAX_REPLY_BYTES,
      'a size (e.g. 64MiB) in bytes',
    );
  }
  if (flags.maxBuffered !== undefined) {
    const v = flags.maxBuffered;
    out.maxBufferedBytes = inRange(
      '--max-buffered',
      v,
      parseByteSize(v),
      MAX_BUFFERED_BYTES,
      'a size (e.g. 256MiB) in bytes',
    );
  }
  if (
    out.maxBodyBytes !== undefined &&
    out.maxBufferedBytes !== undefined &&
    out.maxBodyBytes > out.maxBufferedBytes
  ) {
    throw new HttpLimitOptionError(
      '--max-reply-size',
      flags.maxReplySize!,
      `must not exceed --max-buffered (${flags.maxBuffered}): one reply must fit the worker's budget`,
    );
  }
  return out;
}
