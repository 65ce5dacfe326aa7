// Messages between the coordinator (main thread) and its shard workers. Plain structured-clone data.
import type { MetricsDelta } from '../metrics/delta.ts';
import type { ClockAnchor } from './clock.ts';
import type { TransportOptions } from './transport.ts';

/** Given to each worker as workerData. */
export interface WorkerInit {
  shard: number;
  shards: number;
  fleetSize: number;
  seed: number;
  /** Virtual epoch ms at which the run starts (the clock anchor comes with 'start'). */
  virtualStart: number;
  /** Clients are activated evenly over this much virtual time, by global index. */
  rampUpMs: number;
  /** URL of the module that exports `createBehaviour` (see behaviour.ts). */
  behaviourModule: string;
  behaviourOptions: unknown;
  transport: Omit<TransportOptions, 'ca'> & { ca?: string };
  maxInFlight: number;
  batchSize: number;
  /** Metrics delta period, wall ms. */
  intervalMs: number;
}

export type ToWorker =
  | { type: 'start'; clock: ClockAnchor }
  /** Stop scheduling, wait up to drainMs for in-flight requests, abort the rest, send 'drained'. */
  | { type: 'stop'; drainMs: number };

export type FromWorker =
  | { type: 'ready'; shard: number; clients: number }
  | { type: 'metrics'; delta: MetricsDelta }
  | { type: 'drained'; delta: MetricsDelta }
  | { type: 'fatal'; shard: number; message: string };
