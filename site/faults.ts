// Fault injection: the reference site misbehaves on purpose, per front-end and operation, so the
// harness's retries, timeouts and fault recovery can be exercised (a scan storm that meets an app pool
// recycle, a SUP that stalls, a flaky load balancer resetting connections).
//
// Decisions come from one seeded PRNG, so the same rules, seed and request order give the same faults.
import { z } from 'zod';
import { WSUS_ERROR_CODES, type WsusErrorCode } from '../protocol/wsus/errors.ts';
import type { FrontEnd } from './types.ts';
import { parseOrThrow } from './validation.ts';

const rate = z.number().min(0).max(1);
const ms = z.number().min(0).max(3_600_000);

const latencySchema = z.union(
  [
    ms,
    z.strictObject({ distribution: z.literal('fixed'), ms }),
    z.strictObject({ distribution: z.literal('uniform'), min: ms, max: ms }),
    z.strictObject({ distribution: z.literal('exponential'), mean: ms }),
    z.strictObject({ distribution: z.literal('normal'), mean: ms, sd: ms }),
  ],
  {
    error:
      'expected milliseconds (a number) or {distribution: "fixed", ms} | {distribution: "uniform", min, max} | ' +
      '{distribution: "exponential", mean} | {distribution: "normal", mean, sd}',
  },
);

const ruleSchema = z
  .strictObject({
    frontEnd: z.enum(['sup', 'mp', 'dp', '*']).default('*'),
    /** Operation name as the front-end's operationOf() reports it ('GetConfig', 'SyncUpdates', ...) or '*'. */
    operation: z.string().min(1).default('*'),
    latencyMs: latencySchema.optional(),
    /** Share of requests answered with the front-end's busy reply (SUP: SOAP ServerBusy fault). */
    serverBusyRate: rate.default(0),
    /** Share answered with a bare HTTP 503 (what IIS sends while an app pool recycles). */
    http503Rate: rate.default(0),
    /** Share whose connection is reset instead of answered. */
    resetRate: rate.default(0),
    /** Share held without an answer, for stallMs (then answered normally) or until the client gives up. */
    stallRate: rate.default(0),
    stallMs: ms.optional(),
    /** SUP only: the WSUS ErrorCode ([MS-WUSP] §2.2.2.4) of the SOAP fault answered to errorCodeRate. */
    errorCode: z
      .enum(WSUS_ERROR_CODES, {
        error: `expected one of the WSUS ErrorCodes: ${WSUS_ERROR_CODES.join(', ')}`,
      })
      .optional(),
    /** Share answered with a SOAP fault carrying errorCode (HTTP 500, the real WSUS fault shape). */
    errorCodeRate: rate.optional(),
  })
  .refine((r) => r.serverBusyRate + r.http503Rate + r.resetRate + r.stallRate + (r.errorCodeRate ?? 0) <= 1, {
    message: 'serverBusyRate + http503Rate + resetRate + stallRate + errorCodeRate must not exceed 1',
  })
  .refine((r) => r.errorCodeRate === undefined || r.errorCode !== undefined, {
    message: `required with errorCodeRate: one of ${WSUS_ERROR_CODES.join(', ')}`,
    path: ['errorCode'],
  })
  .refine((r) => r.errorCode === undefined || r.errorCodeRate !== undefined, {
    message: 'required with errorCode: the share of requests (0..1) answered with that fault',
    path: ['errorCodeRate'],
  })
  .refine((r) => r.errorCode === undefined || r.frontEnd === 'sup', {
    message: 'WSUS ErrorCode faults are answered by the SUP only: set frontEnd to "sup"',
    path: ['frontEnd'],
  })
  .refine(
    (r) =>
      typeof r.latencyMs !== 'object' ||
      r.latencyMs.distribution !== 'uniform' ||
      r.latencyMs.min <= r.latencyMs.max,
    {
      message: 'latencyMs uniform needs min <= max',
    },
  );

export const faultConfigSchema = z.strictObject({
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  rules: z.array(ruleSchema).max(1000).default([]),
});

export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;
export type FaultRule = FaultConfig['rules'][number];
export type LatencySpec = NonNullable<FaultRule['latencyMs']>;

export type FaultAction = 'none' | 'busy' | 'http503' | 'reset' | 'stall' | 'errorCode';

export interface FaultDecision {
  latencyMs: number;
  action: FaultAction;
  /** For 'stall': how long to hold (undefined: until the client closes the connection). */
  stallMs?: number;
  /** For 'errorCode': the WSUS ErrorCode of the SOAP fault to answer. */
  errorCode?: WsusErrorCode;
}

/** The decision for requests no rule matches; shared so the fast path allocates nothing. */
export const NO_FAULT: FaultDecision = Object.freeze({ latencyMs: 0, action: 'none' as const });

/** Validates a fault configuration (JSON from a file or the observer), naming each bad field. */
export function parseFaultConfig(input: unknown, root = 'faults'): FaultConfig {
  return parseOrThrow(faultConfigSchema, input, root);
}

export class FaultInjector {
  #config: FaultConfig = parseFaultConfig({});
  #random: () => number = mulberry32(1);
  /** frontEnd -> operation -> the most specific matching rule (null: none), filled lazily. */
  #cache = new Map<string, Map<string, FaultRule | null>>();

  constructor(config?: FaultConfigInput) {
    if (config !== undefined) this.configure(config);
  }

  /** Replaces every rule (validated) and restarts the PRNG from the seed. */
  configure(input: FaultConfigInput | FaultConfig): void {
    this.#config = parseFaultConfig(input);
    this.#random = mulberry32(this.#config.seed);
    this.#cache = new Map();
  }

  get config(): FaultConfig {
    return this.#config;
  }

  decide(frontEnd: FrontEnd, operation: string): FaultDecision {
    if (this.#config.rules.length === 0) return NO_FAULT;
    const rule = this.#ruleFor(frontEnd, operation);
    if (rule === null) return NO_FAULT;

    const latencyMs = rule.latencyMs === undefined ? 0 : this.#sampleLatency(rule.latencyMs);
    // One draw splits [0, 1) into consecutive bands: reset, stall, 503, busy, ErrorCode fault, then nothing
    // (the ErrorCode band last, so rules without it draw exactly as before it existed).
    const r = this.#random();
    const stallEdge = rule.resetRate + rule.stallRate;
    const http503Edge = stallEdge + rule.http503Rate;
    const busyEdge = http503Edge + rule.serverBusyRate;
    const errorCodeEdge = busyEdge + (rule.errorCodeRate ?? 0);
    const action: FaultAction =
      r < rule.resetRate
        ? 'reset'
        : r < stallEdge
          ? 'stall'
          : r < http503Edge
            ? 'http503'
            : r < busyEdge
              ? 'busy'
              : r < errorCodeEdge
                ? 'errorCode'
                : 'none';
    if (action === 'none' && latencyMs === 0) return NO_FAULT;
    if (action === 'stall') return { latencyMs, action, stallMs: rule.stallMs };
    if (action === 'errorCode') return { latencyMs, action, errorCode: rule.errorCode };
    return { latencyMs, action };
  }

  /** Exact frontEnd+operation wins over frontEnd+'*', over '*'+operation, over '*'+'*'. */
  #ruleFor(frontEnd: string, operation: string): FaultRule | null {
    let byOp = this.#cache.get(frontEnd);
    if (byOp === undefined) {
      byOp = new Map();
      this.#cache.set(frontEnd, byOp);
    }
    let rule = byOp.get(operation);
    if (rule === undefined) {
      rule = null;
      let best = -1;
      for (const r of this.#config.rules) {
        if (
          (r.frontEnd !== '*' && r.frontEnd !== frontEnd) ||
          (r.operation !== '*' && r.operation !== operation)
        )
          continue;
        const score = (r.frontEnd === '*' ? 0 : 2) + (r.operation === '*' ? 0 : 1);
        if (score > best) {
          best = score;
          rule = r;
        }
      }
      byOp.set(operation, rule);
    }
    return rule;
  }

  #sampleLatency(spec: LatencySpec): number {
    if (typeof spec === 'number') return spec;
    switch (spec.distribution) {
      case 'fixed':
        return spec.ms;
      case 'uniform':
        return spec.min + (spec.max - spec.min) * this.#random();
      case 'exponential':
        return -spec.mean * Math.log(1 - this.#random());
      case 'normal': {
        // Box-Muller; clipped at zero because a delay cannot be negative.
        const u = 1 - this.#random();
        const v = this.#random();
        return Math.max(0, spec.mean + spec.sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
      }
    }
  }
}

/** Small, fast, seedable PRNG (32-bit state); uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
