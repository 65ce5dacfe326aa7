// What `startSite` accepts, its defaults, and the validation that runs before anything listens: a bad
// value stops the start with a message naming the field, the value and what would be valid.
import { z } from 'zod';
import { observerTokenProblem } from '../protocol/observer.ts';
import type { ClockOptions } from './clock.ts';
import type { FaultConfigInput } from './faults.ts';
import { DEFAULT_AUTH_SERVICE_URL, type SiteConfig, type ViolationName } from './model.ts';
import type { ProcessorOptions } from './statemsg/index.ts';
import type { TlsFiles } from './tls.ts';
import { InvalidInputError, parseOrThrow } from './validation.ts';
import { parseViolationNames } from './violations.ts';

export interface StartSiteOptions extends Partial<SiteConfig> {
  clock?: ClockOptions;
  catalog?: {
    seed?: number;
    /** Leaf updates in the generated catalog (sizes the cold-scan volume). */
    leafUpdates?: number;
    builds?: number[];
    /** Update file sizes, bytes (log-uniform); small files keep big fleets' downloads affordable. */
    fileSizes?: { min: number; max: number };
  };
  processor?: ProcessorOptions;
  violations?: readonly string[];
  faults?: FaultConfigInput;
  /** Use these PEM files instead of generating a CA and server certificate. */
  tlsFiles?: TlsFiles;
  /** Where generated PEM files go (default: a temp dir removed at stop). */
  certDir?: string;
  /** Every observer request then needs `Authorization: Bearer <token>` (protocol/observer.ts). */
  observerToken?: string;
}

/** The real products' ports are 8530/8531 (WSUS custom site) and 80/443 (MP, DP); the MP defaults are
 *  unprivileged stand-ins so the site runs without root. */
export const SITE_DEFAULTS: SiteConfig = {
  siteCode: 'PS1',
  hostName: 'localhost',
  bindAddress: '127.0.0.1',
  supHttpPort: 8530,
  supHttpsPort: 8531,
  mpHttpPort: 8080,
  mpHttpsPort: 8443,
  observerPort: 8090,
  cookieLifetimeMinutes: 60,
  syncPageSize: 200,
  maxExtendedUpdatesPerRequest: 50,
  timeStyle: 'wsus',
  auth: 'simple',
  authServiceUrl: DEFAULT_AUTH_SERVICE_URL,
  maxRequestBytes: 32 * 1024 * 1024,
  // IIS's default application-pool queue length (protocol-reference §4.2: WsusPool Queue Length 1000,
  // 2000 when tuned); the MP and DP run in their own IIS pools with the same default.
  supMaxInFlight: 1000,
  mpMaxInFlight: 1000,
  dpMaxInFlight: 1000,
};

/** Catalog seed; the size defaults to the generator's own (sized for a ~5 MB cold scan). */
export const CATALOG_DEFAULTS = { seed: 1 };

/** A relative path of plain segments (no "..", no query): where the SUP serves its SimpleAuth service. */
const AUTH_SERVICE_URL = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const RESERVED_SUP_PATHS = new Set([
  'clientwebservice/client.asmx',
  'reportingwebservice/reportingwebservice.asmx',
]);

const port = z.number().int().min(0).max(65535);
const maxInFlight = z.number().int().min(1).max(1_000_000);
const configSchema = z.object({
  siteCode: z
    .string()
    .regex(/^[A-Z0-9]{3}$/, 'expected 3 upper-case letters or digits, like PS1')
    .optional(),
  hostName: z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, 'expected a DNS name or IP address')
    .optional(),
  bindAddress: z.string().min(1).optional(),
  supHttpPort: port.optional(),
  supHttpsPort: port.optional(),
  mpHttpPort: port.optional(),
  mpHttpsPort: port.optional(),
  observerPort: port.optional(),
  cookieLifetimeMinutes: z.number().positive().max(525_600).optional(),
  syncPageSize: z.number().int().min(1).max(100_000).optional(),
  maxExtendedUpdatesPerRequest: z.number().int().min(1).max(10_000).optional(),
  timeStyle: z.enum(['wsus', 'offset', 'plain']).optional(),
  auth: z.enum(['simple', 'anonymous']).optional(),
  authServiceUrl: z
    .string()
    .regex(
      AUTH_SERVICE_URL,
      'expected a path relative to the SUP URL, like SimpleAuthWebService/SimpleAuth.asmx (letters, digits, . _ - between slashes)',
    )
    .refine((url) => !RESERVED_SUP_PATHS.has(url.toLowerCase()), {
      message: 'is the path of another SUP service (ClientWebService, ReportingWebService)',
    })
    .refine((url) => !['content', 'selfupdate'].includes(url.split('/')[0]!.toLowerCase()), {
      message: 'must not be under /Content or /selfupdate (the SUP serves files there)',
    })
    .optional(),
  maxRequestBytes: z
    .number()
    .int()
    .min(1024)
    .max(2 ** 31 - 1)
    .optional(),
  supMaxInFlight: maxInFlight.optional(),
  mpMaxInFlight: maxInFlight.optional(),
  dpMaxInFlight: maxInFlight.optional(),
});

const clockSchema = z
  .strictObject({
    mode: z.enum(['real', 'manual']).optional(),
    speed: z.number().positive().max(1_000_000).optional(),
    start: z.number().int().min(0).optional(),
  })
  .optional();

const catalogSchema = z
  .strictObject({
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    leafUpdates: z.number().int().min(1).max(100_000).optional(),
    builds: z.array(z.number().int().positive()).min(1).optional(),
    fileSizes: z
      .strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) })
      .refine((f) => f.min <= f.max, { message: 'expected min <= max' })
      .optional(),
  })
  .optional();

export interface ResolvedSiteOptions {
  config: SiteConfig;
  clock: ClockOptions;
  catalog: {
    seed: number;
    leafUpdates?: number;
    builds?: number[];
    fileSizes?: { min: number; max: number };
  };
  processor: ProcessorOptions;
  violations: ViolationName[];
  faults?: FaultConfigInput;
  tlsFiles?: TlsFiles;
  certDir?: string;
  observerToken?: string;
}

export function resolveSiteOptions(options: StartSiteOptions = {}): ResolvedSiteOptions {
  const { clock, catalog, processor, violations, faults, tlsFiles, certDir, observerToken, ...configPart } =
    options;
  const given = parseOrThrow(configSchema, configPart);
  const config: SiteConfig = { ...SITE_DEFAULTS };
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  checkDistinctPorts(config);
  if (config.auth === 'anonymous' && given.authServiceUrl !== undefined) {
    throw new InvalidInputError([
      `authServiceUrl: got ${JSON.stringify(given.authServiceUrl)}: an anonymous SUP has no authorization service; drop it or use auth 'simple'`,
    ]);
  }
  const clockOptions = parseOrThrow(clockSchema, clock, 'clock') ?? {};
  const catalogOptions = parseOrThrow(catalogSchema, catalog, 'catalog') ?? {};
  const tokenProblem = observerToken === undefined ? undefined : observerTokenProblem(observerToken);
  if (tokenProblem !== undefined) throw new InvalidInputError([`observerToken: ${tokenProblem}`]);
  return {
    config,
    clock: clockOptions,
    catalog: { ...CATALOG_DEFAULTS, ...catalogOptions },
    processor: processor ?? {},
    violations: parseViolationNames(violations ?? []),
    faults,
    tlsFiles,
    certDir,
    ...(observerToken === undefined ? {} : { observerToken }),
  };
}

function checkDistinctPorts(config: SiteConfig): void {
  const names = ['supHttpPort', 'supHttpsPort', 'mpHttpPort', 'mpHttpsPort', 'observerPort'] as const;
  const seen = new Map<number, string>();
  for (const name of names) {
    const value = config[name];
    if (value === 0) continue;
    const other = seen.get(value);
    if (other !== undefined) {
      throw new InvalidInputError([
        `${name}: ${value} is already used by ${other}; every listener needs its own port`,
      ]);
    }
    seen.set(value, name);
  }
}
