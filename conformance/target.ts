// What the conformance suite runs against, and the validation of the options that describe it.
// Everything is checked before any check runs: a bad URL, an unreadable CA or an unknown check id stops
// the run with a message naming the option, the value and what would be valid (exit code 2).
import { observerTokenProblem } from '../protocol/observer.ts';
import { readPemFile } from '../site/pem-file.ts';

export interface ConformanceTarget {
  /** SUP web-service origin over HTTP, e.g. http://sup.contoso.com:8530 */
  sup?: URL;
  /** SUP web-service origin over HTTPS, e.g. https://sup.contoso.com:8531 */
  supHttps?: URL;
  /** Management point origin (CCM_POST /ccm_system/request is appended), e.g. http://mp.contoso.com */
  mp?: URL;
  /** Distribution point origin, e.g. http://dp.contoso.com */
  dp?: URL;
  /** The reference site's observer API origin (absent on a real staging site). */
  observer?: URL;
  /** Bearer token of an observer started with --observer-token. */
  observerToken?: string;
  /** PEM CA bundle trusted for HTTPS targets (the SUP's 8531 certificate must chain to it). */
  caFile?: string;
  ca?: Buffer;
  /** When true, sup-ports fails unless the SUP answers on 8530/8531 (W-PORTS defaults); otherwise it only notes it. */
  expectStandardPorts: boolean;
}

export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    readonly option: string,
    readonly value: string,
    readonly valid: string,
  ) {
    super(`invalid ${option} ${JSON.stringify(value)}: ${valid}`);
  }
}

export interface RawTargetOptions {
  sup?: string;
  supHttps?: string;
  mp?: string;
  dp?: string;
  observer?: string;
  observerToken?: string;
  ca?: string;
  expectStandardPorts?: boolean;
}

/** Parses one origin option; `scheme` restricts the protocol when the option implies one. */
export function parseOriginOption(option: string, value: string, scheme?: 'http:' | 'https:'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OptionError(option, value, 'expected an absolute URL such as http://host:8530');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionError(option, value, 'expected an http:// or https:// URL');
  }
  if (scheme && url.protocol !== scheme) {
    throw new OptionError(option, value, `expected a ${scheme}// URL`);
  }
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new OptionError(
      option,
      value,
      'expected an origin only (scheme://host:port), without path or query',
    );
  }
  return url;
}

function readCa(value: string): Buffer {
  const read = readPemFile(value, 'certificate');
  if (!read.ok) throw new OptionError('--ca', value, read.problem);
  return Buffer.from(read.pem, 'latin1');
}

/** Turns raw CLI strings into a target, or throws OptionError. No target at all means "the embedded site". */
export function parseTarget(raw: RawTargetOptions): ConformanceTarget {
  const target: ConformanceTarget = { expectStandardPorts: raw.expectStandardPorts ?? false };
  if (raw.sup !== undefined) target.sup = parseOriginOption('--sup', raw.sup, 'http:');
  if (raw.supHttps !== undefined) target.supHttps = parseOriginOption('--sup-https', raw.supHttps, 'https:');
  if (raw.mp !== undefined) target.mp = parseOriginOption('--mp', raw.mp);
  if (raw.dp !== undefined) target.dp = parseOriginOption('--dp', raw.dp);
  if (raw.observer !== undefined) target.observer = parseOriginOption('--observer', raw.observer);
  if (raw.observerToken !== undefined) {
    const problem = observerTokenProblem(raw.observerToken);
    // The value is a secret: the message never repeats it.
    if (problem !== undefined) throw new OptionError('--observer-token', '<hidden>', problem);
    target.observerToken = raw.observerToken;
  }
  if (raw.ca !== undefined) {
    target.caFile = raw.ca;
    target.ca = readCa(raw.ca);
  }
  return target;
}

/** True when no endpoint was named: the CLI then starts and checks the embedded reference site. */
export function isEmptyTarget(target: ConformanceTarget): boolean {
  return !target.sup && !target.supHttps && !target.mp && !target.dp && !target.observer;
}

/** Port of an origin, with the scheme default filled in (URL drops :80 / :443). */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** One line per endpoint, for report headers. */
export function describeTarget(target: ConformanceTarget): Record<string, string> {
  const out: Record<string, string> = {};
  if (target.sup) out.sup = target.sup.origin;
  if (target.supHttps) out.supHttps = target.supHttps.origin;
  if (target.mp) out.mp = target.mp.origin;
  if (target.dp) out.dp = target.dp.origin;
  if (target.observer) out.observer = target.observer.origin;
  if (target.caFile) out.ca = target.caFile;
  return out;
}
