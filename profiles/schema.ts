// The profile schema (zod): what a workload may say and what each field may hold. Durations accept
// '15m'-style strings or ms and come out as ms. Timer names are the fleet's own (harness/fleet
// config.ts FleetTimers), checked at compile time below, so a profile's timers pass straight through.
import { z } from 'zod';
import { CONNECTIONS, MAX_IN_FLIGHT } from '../harness/engine/send-limits.ts';
import { type FleetTimers, PERIODIC_TIMERS } from '../harness/fleet/config.ts';
import { DURATION_HINT, formatDuration, parseDuration } from './duration.ts';

/** A duration in ms (number) or with a unit (string); always ms after parsing. */
export const duration = z
  .union([z.number(), z.string()], { error: `expected ${DURATION_HINT}` })
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : parseDuration(v);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT} (>= 0)`, input: v });
      return z.NEVER;
    }
    return ms;
  });

const positiveDuration = duration.refine((ms) => ms > 0, { message: 'expected a duration > 0' });

/** behaviour.md §2, every timer configurable (T-POLL ... T-REGWAIT, S-TTL, W-COOKIE, D-MW, D-INSTALL). */
export const TIMER_NAMES = [
  'policyPollMs',
  'registrationWaitMs',
  'firstScanWindowMs',
  'scanScheduleMs',
  'scanScheduleRandomMs',
  'minScanScheduleMs',
  'reevaluationMs',
  'stateMessageCycleMs',
  'postInstallReportMs',
  'deadlineRandomMs',
  'scanRetryMs',
  'supSwitchDelayMs',
  'scanTtlMs',
  'defaultCookieLifetimeMs',
  'maxRunTimeMs',
  'maintenanceWindowMarginMs',
  'installMsPerUpdate',
  'restartCountdownMs',
  'restartMs',
  'downloadRetryMs',
] as const;

type DurationTimer = (typeof TIMER_NAMES)[number];
// Compile-time agreement with the fleet: every fleet timer is here and nothing else is.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const timersMatchFleet: Exact<DurationTimer | 'scanRetriesPerSup', keyof FleetTimers> = true;
void timersMatchFleet;

const timers = z
  .strictObject({
    ...Object.fromEntries(
      TIMER_NAMES.map((n) => [n, (PERIODIC_TIMERS.has(n) ? positiveDuration : duration).optional()]),
    ),
    scanRetriesPerSup: z.int().min(0).max(100).optional(),
  } as Record<DurationTimer, z.ZodOptional<typeof duration>> & {
    scanRetriesPerSup: z.ZodOptional<z.ZodInt>;
  })
  .default({});

const machine = z.strictObject({
  name: z.string().min(1),
  /** Windows build number the catalog's applicability rules match (e.g. 22631). */
  build: z.int().min(1),
  /** Relative share of the fleet. */
  weight: z.number().positive(),
  /** Fraction of applicable updates already installed before the run. */
  installedFraction: z.number().min(0).max(1).default(0.8),
});

const maintenanceWindow = z
  .strictObject({
    weight: z.number().positive(),
    period: positiveDuration,
    offset: duration.default(0),
    duration: positiveDuration,
  })
  .refine((w) => w.duration <= w.period, {
    message: 'a window cannot be longer than its period',
    path: ['duration'],
  });

const fleet = z.strictObject({
  /** Emulated clients (one machine runs up to 100,000). */
  clients: z.int().min(1).max(100_000),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  /** fresh: new clients (register, cold scan); warm: scanned within the last TTL. */
  start: z.enum(['fresh', 'warm']).default('warm'),
  /** Scan trigger rules: current documentation or the 2007 book (behaviour.md §3). */
  variant: z.enum(['current', '2007']).default('current'),
  machines: z.array(machine).min(1).optional(),
  maintenanceWindows: z.array(maintenanceWindow).default([]),
  /** Relative share of clients without a maintenance window. */
  noWindowWeight: z.number().min(0).default(1),
});

const rules = z
  .strictObject({
    scheduleScanForced: z.boolean().optional(),
    deadlineScanForced: z.boolean().optional(),
    maxFaultRecoveriesPerScan: z.int().min(0).max(100).optional(),
  })
  .default({});

const site = z
  .strictObject({
    /** SUP nodes behind the update source (an NLB cluster has up to 4). */
    supNodes: z.int().min(1).max(16).default(1),
    managementPoints: z.int().min(1).max(15).default(1),
    distributionPoints: z.int().min(1).max(250).default(1),
    /** Embedded reference site only (`patchstorm run` without --mp): the generated catalog. Added for the
     *  run command: content downloads of a big fleet stay affordable with small files. */
    catalog: z
      .strictObject({
        /** Leaf updates (default 1,050: a ~5 MB cold scan, behaviour.md W-COLD). */
        leafUpdates: z.int().min(1).max(100_000).optional(),
        /** Update file sizes in bytes, log-uniform (default 200 KB .. 2.5 MB, behaviour.md D-DP). */
        fileSizes: z
          .strictObject({ min: z.int().min(1), max: z.int().min(1) })
          .refine((f) => f.min <= f.max, { message: 'expected min <= max', path: ['min'] })
          .optional(),
      })
      .optional(),
    /** Embedded reference site only: state-message processing capacity (behaviour.md M-BACKLOG). */
    processor: z
      .strictObject({
        loaderThreads: z.int().min(1).max(64).optional(),
        recordsPerMinutePerLoader: z.int().min(1).max(100_000_000).optional(),
      })
      .optional(),
  })
  .default({ supNodes: 1, managementPoints: 1, distributionPoints: 1 });

/** How hard the generator may push, per worker thread (`patchstorm run --connections / --max-in-flight`
 *  override it); omitted = the engine's defaults. */
const generator = z
  .strictObject({
    /** Sockets per target origin (the SUP, the MP, each DP). */
    connections: z.int().min(CONNECTIONS.min).max(CONNECTIONS.max).optional(),
    /** Requests in flight before more are skipped and counted (the summary then says it fell behind). */
    maxInFlight: z.int().min(MAX_IN_FLIGHT.min).max(MAX_IN_FLIGHT.max).optional(),
  })
  .default({});

const at = duration;
const event = z.discriminatedUnion(
  'kind',
  [
    /** Clients come up evenly over `over`, starting at `at` (initial rollout). */
    z.strictObject({ kind: z.literal('rollout'), at: at.default(0), over: duration }),
    /** The site publishes a new catalog version with `updates` new updates (T-FIRSTSCAN rescans). */
    z.strictObject({ kind: z.literal('new-catalog'), at, updates: z.int().min(1).max(10_000).default(20) }),
    /** Patch Tuesday: a new catalog plus a required deployment with a deadline. */
    z.strictObject({
      kind: z.literal('patch-tuesday'),
      at,
      updates: z.int().min(1).max(1000).default(10),
      required: z.boolean().default(true),
      deadlineAfter: duration.default(7 * 86_400_000),
    }),
    /** A SUP node stops answering at `at` (for `for`, or until the end). */
    z.strictObject({
      kind: z.literal('sup-failure'),
      at,
      node: z.int().min(0),
      for: positiveDuration.optional(),
    }),
    /** Every client runs a forced online scan, spread over `spread` (0 = all at once). */
    z.strictObject({ kind: z.literal('forced-rescan'), at, spread: duration.default(0) }),
  ],
  {
    error:
      "expected an event with kind 'rollout', 'new-catalog', 'patch-tuesday', 'sup-failure' or 'forced-rescan'",
  },
);

const thresholds = z
  .strictObject({
    /** p95 latency limits per operation name ('*' = every other operation), ms. */
    p95Ms: z.record(z.string(), z.number().positive()).optional(),
    /** Errors / requests, 0..1. */
    errorRate: z.number().min(0).max(1).optional(),
    /** Oldest unprocessed state message on the site's backlog. */
    maxBacklogAge: duration.optional(),
    /** Generator lateness p99, ms. */
    latenessP99Ms: z.number().positive().optional(),
  })
  .default({});

export const profileSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes'),
    description: z.string().default(''),
    fleet,
    site,
    timers,
    rules,
    events: z.array(event).default([]),
    /** Virtual seconds per wall second (60 = an hour per minute). */
    speed: z.number().positive().max(1_000_000),
    /** Virtual duration of the run. */
    duration: positiveDuration,
    thresholds,
    generator,
    /**
     * Outputs as `--out` would name them (`influxdb=http://influx:8086/patchstorm`, `html=report.html`);
     * the command line's `--out` values are added to these.
     */
    outputs: z.array(z.string().min(1)).default([]),
  })
  .superRefine((p, ctx) => {
    p.events.forEach((e, i) => {
      if (e.at > p.duration) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'at'],
          input: e.at,
          message: `expected a time within the run's duration (${formatDuration(p.duration)})`,
        });
      }
      if (e.kind === 'sup-failure' && e.node >= p.site.supNodes) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'node'],
          input: e.node,
          message: `expected a SUP node index below site.supNodes (${p.site.supNodes})`,
        });
      }
    });
    if (p.events.filter((e) => e.kind === 'rollout').length > 1) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: 'expected at most one rollout event' });
    }
  });

/** What a profile author writes (durations as strings or ms, defaults optional). */
export type ProfileInput = z.input<typeof profileSchema>;
/** A validated profile: defaults filled, every duration in ms. */
export type Profile = z.output<typeof profileSchema>;
export type ProfileEvent = Profile['events'][number];
