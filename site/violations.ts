// The run-time list of protocol violations the site can switch on (the type lives in model.ts). The
// checks below make the compiler fail when the two drift apart.
import type { ViolationName } from './model.ts';
import { InvalidInputError } from './validation.ts';

export const VIOLATION_NAMES = [
  'cookie-never-expires',
  'no-paging',
  'full-resync-every-scan',
  'location-wrong-ports',
  'drop-state-messages',
  'double-count-duplicates',
  'ignore-range',
  'wrong-fault-shape',
  'no-extended-limit',
  'no-registration-check',
  'stale-catalog-version',
  'wrong-content-hash',
  'no-serial-gap-detection',
  'reject-when-backlogged',
  'no-unknown-while-waiting',
  'accept-any-cookie',
  'catalog-version-churn',
  'skip-page',
  'truncated-false-early',
  'no-auth-plugin',
  'registration-not-advertised',
  'no-simpleauth-service',
  'no-out-of-scope',
  'extended-drops-revision',
  'file-location-digest-mismatch',
  'https-getconfig-only',
  'location-no-https',
  'wrong-correlation-id',
  'corrupt-compressed-reply',
  'cookie-expiration-local-time',
  'cookie-expiration-ahead',
] as const satisfies readonly ViolationName[];

type Missing = Exclude<ViolationName, (typeof VIOLATION_NAMES)[number]>;
const everyViolationListed: [Missing] extends [never] ? true : Missing = true;
void everyViolationListed;

export function isViolationName(name: string): name is ViolationName {
  return (VIOLATION_NAMES as readonly string[]).includes(name);
}

/** Validates names (e.g. from the CLI or the observer), naming the unknown ones and the valid ones. */
export function parseViolationNames(names: readonly string[], field = 'violations'): ViolationName[] {
  const unknown = names.filter((n) => !isViolationName(n));
  if (unknown.length > 0) {
    throw new InvalidInputError([
      `${field}: unknown violation ${unknown.map((n) => JSON.stringify(n)).join(', ')}; valid: ${VIOLATION_NAMES.join(', ')}`,
    ]);
  }
  return [...new Set(names)] as ViolationName[];
}
