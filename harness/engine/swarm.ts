// The coordinator's handle on the worker swarm: spawns N shard workers (default: one per available
// core), waits until every shard has built its behaviour, starts them on one shared clock anchor, and
// stops them with a bounded drain. Metric deltas from workers are handed to `onDelta`.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MetricsDelta } from '../metrics/delta.ts';
import { checkSpeed, ScaledClock, wallNow } from './clock.ts';
import { MAX_IN_FLIGHT } from './send-limits.ts';
import type { TransportOptions } from './transport.ts';
import { workerBundle } from './worker-bundle.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

export interface SwarmOptions {
  fleetSize: number;
  /** Worker threads (default: os.availableParallelism(), never more than the fleet). */
  workers?: number;
  seed: number;
  /** Virtual seconds per wall second. */
  speed: number;
  /** Virtual epoch ms at which the run starts (default: wall clock now). */
  virtualStart?: number;
  /** Clients are activated evenly over this much virtual time (default 0: all at once). */
  rampUpMs?: number;
  /** Module exporting `createBehaviour` (a file URL or path-like URL string). */
  behaviourModule: string | URL;
  behaviourOptions?: unknown;
  transport?: Omit<TransportOptions, 'ca'> & { ca?: string };
  /** Per worker (default 10,000). */
  maxInFlight?: number;
  batchSize?: number;
  /** Metrics delta period, wall ms (default 1000). */
  intervalMs?: number;
  /** How long workers may take to load their behaviour (default 60 s). */
  readyTimeoutMs?: number;
  onDelta(delta: MetricsDelta): void;
  /** A worker died or its behaviour threw: the run must be aborted. */
  onFatal(message: string): void;
}

// The tsx entry: used only when the worker code can't be bundled (see worker-bundle.ts).
const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);
/**
 * V8 grows a busy thread's young generation to 2 × 16 MB semi-spaces by default: 32 MB of RSS per
 * worker that mostly holds garbage. 24 MB of young generation = 8 MB semi-spaces (measured: ~8 MB
 * less RSS per worker at load); the old generation keeps V8's default limit.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 24 };

export class Swarm {
  readonly clock: ScaledClock;
  readonly workers: number;
  readonly virtualStart: number;
  readonly #threads: Worker[];
  readonly #drained = new Map<number, () => void>();
  #stopping: Promise<void> | undefined;
  #state = { stopping: false, fatal: false };

  private constructor(threads: Worker[], clock: ScaledClock, virtualStart: number) {
    this.#threads = threads;
    this.workers = threads.length;
    this.clock = clock;
    this.virtualStart = virtualStart;
  }

  static async start(options: SwarmOptions): Promise<Swarm> {
    const speed = checkSpeed(options.speed);
    if (!(Number.isInteger(options.fleetSize) && options.fleetSize > 0)) {
      throw new RangeError(`fleetSize must be a positive integer, got ${options.fleetSize}`);
    }
    const shards = Math.max(1, Math.min(options.workers ?? availableParallelism(), options.fleetSize));
    const virtualStart = options.virtualStart ?? Date.now();
    // Plain-JS bundle of the worker code (built once per process); the tsx entry if it can't be built.
    const bundle = await workerBundle(String(options.behaviourModule));
    const threads: Worker[] = [];
    const ready: Promise<void>[] = [];
    // Shared with the listeners below: exits after stop() (terminate() exits with 1) are not fatal.
    const state = { stopping: false, fatal: false };
    const drainHooks = new Map<number, () => void>();
    for (let shard = 0; shard < shards; shard++) {
      const init: WorkerInit = {
        shard,
        shards,
        fleetSize: options.fleetSize,
        seed: options.seed,
        virtualStart,
        rampUpMs: options.rampUpMs ?? 0,
        behaviourModule: bundle?.behaviourModule ?? String(options.behaviourModule),
        behaviourOptions: options.behaviourOptions,
        transport: options.transport ?? {},
        maxInFlight: options.maxInFlight ?? MAX_IN_FLIGHT.default,
        batchSize: options.batchSize ?? 512,
        intervalMs: options.intervalMs ?? 1000,
      };
      const worker = new Worker(bundle?.entry ?? WORKER_ENTRY, {
        workerData: init,
        resourceLimits: WORKER_LIMITS,
      });
      threads.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const fail = (message: string) => {
            if (state.stopping) return;
            if (!state.fatal) {
              state.fatal = true;
              options.onFatal(`worker ${shard}: ${message}`);
            }
            reject(new Error(`worker ${shard}: ${message}`));
            drainHooks.get(shard)?.();
          };
          worker.on('message', (msg: FromWorker) => {
            if (msg.type === 'ready') resolve();
            else if (msg.type === 'metrics') options.onDelta(msg.delta);
            else if (msg.type === 'drained') {
              options.onDelta(msg.delta);
              drainHooks.get(shard)?.();
            } else if (msg.type === 'fatal') fail(msg.message);
          });
          worker.on('error', (err) => fail(err.stack ?? String(err)));
          worker.on('exit', (code) => {
            if (code !== 0) fail(`exited with code ${code}`);
            drainHooks.get(shard)?.();
          });
        }),
      );
    }
    const timeout = options.readyTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(ready),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`workers not ready within ${timeout} ms`)), timeout);
        }),
      ]);
    } catch (err) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw err;
    } finally {
      clearTimeout(timer);
    }
    const clock = new ScaledClock({ virtualStart, wallStart: wallNow(), speed });
    const swarm = new Swarm(threads, clock, virtualStart);
    swarm.#state = state;
    swarm.#bindDrainHooks(drainHooks);
    const start: ToWorker = { type: 'start', clock: clock.anchor };
    for (const t of threads) t.postMessage(start);
    return swarm;
  }

  /**
   * Stops every shard: no new requests, in-flight ones get `drainMs` to finish and are then aborted,
   * final deltas are flushed. Workers that don't report within drainMs + 5 s are terminated.
   */
  stop(drainMs = 5000): Promise<void> {
    this.#stopping ??= (async () => {
      this.#state.stopping = true;
      const msg: ToWorker = { type: 'stop', drainMs };
      const done = this.#threads.map(
        (_, shard) => new Promise<void>((resolve) => this.#drained.set(shard, resolve)),
      );
      for (const t of this.#threads) t.postMessage(msg);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(done),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, drainMs + 5000);
        }),
      ]);
      clearTimeout(timer);
      await Promise.all(this.#threads.map((t) => t.terminate()));
    })();
    return this.#stopping;
  }

  #bindDrainHooks(hooks: Map<number, () => void>): void {
    for (let shard = 0; shard < this.workers; shard++) hooks.set(shard, () => this.#drained.get(shard)?.());
  }
}
