// A slice [from, to) of the fleet as the engine holds it: the client records, the shared tables, step()
// and cheap gauges. Client `i` is the same client (machine, schedule, identity) whichever slice or worker
// holds it: everything about it derives from the run seed and i.

import { FleetCatalog } from './catalog-view.ts';
import { type ClientState, ClientNumbers, createClient } from './client-state.ts';
import type { FleetConfig } from './config.ts';
import type { FleetContext } from './context.ts';
import { countActions, countEvent, emptyCounters, type FleetCounters } from './counters.ts';
import { collectGauges, type FleetGauges } from './gauges.ts';
import { clientIdentity, type ClientIdentity } from './identity.ts';
import { nextWake, stepClient } from './machine.ts';
import type { FleetEvent, StepResult } from './vocabulary.ts';

export interface FleetOptions {
  config: FleetConfig;
  /** Shared tables; a fresh empty one when omitted. Fill it before creating a warm fleet. */
  catalog?: FleetCatalog;
  from: number;
  to: number;
  /**
   * Distance between the indices this slice holds: from, from + stride, ... < to (default 1). The
   * engine stripes clients over worker shards (global = local * shards + shard), so a shard's clients
   * are every `shards`-th index, not a contiguous range.
   */
  stride?: number;
}

export class Fleet implements FleetContext {
  readonly config: FleetConfig;
  readonly catalog: FleetCatalog;
  readonly from: number;
  readonly to: number;
  readonly stride: number;
  readonly counters: FleetCounters = emptyCounters();
  readonly #clients: ClientState[];

  constructor(options: FleetOptions) {
    const { config, from, to } = options;
    const stride = options.stride ?? 1;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from) {
      throw new RangeError(`fleet slice [${from}, ${to}) must be whole numbers with 0 <= from <= to`);
    }
    if (!Number.isInteger(stride) || stride < 1) {
      throw new RangeError(`fleet slice stride ${stride} must be a whole number >= 1`);
    }
    this.config = config;
    this.catalog = options.catalog ?? new FleetCatalog(config.machines.length);
    if (this.catalog.machines.length !== config.machines.length) {
      throw new RangeError(
        `catalog has ${this.catalog.machines.length} machine tables, config has ${config.machines.length} machine types`,
      );
    }
    this.from = from;
    this.to = to;
    this.stride = stride;
    this.#clients = new Array(Math.ceil((to - from) / stride));
    const numbers = new ClientNumbers(this.#clients.length);
    for (let k = 0; k < this.#clients.length; k++) {
      this.#clients[k] = createClient(config, this.catalog, from + k * stride, numbers, k);
    }
  }

  get size(): number {
    return this.#clients.length;
  }

  /** The record of client `index` (read it, don't write it). */
  client(index: number): ClientState {
    const offset = index - this.from;
    const c = offset % this.stride === 0 ? this.#clients[offset / this.stride] : undefined;
    if (!c) {
      throw new RangeError(
        `client ${index} is outside this slice [${this.from}, ${this.to}) step ${this.stride}`,
      );
    }
    return c;
  }

  /** When the engine should first (or next) wake client `index`. */
  wakeAt(index: number): number {
    return nextWake(this.client(index));
  }

  step(index: number, event: FleetEvent, now: number): StepResult {
    const c = this.client(index);
    const postingBefore = c.posting;
    const supBefore = c.supIndex;
    const result = stepClient(this, c, event, now);
    countEvent(this.counters, event, postingBefore);
    countActions(this.counters, result.actions);
    if (c.supIndex !== supBefore && c.supAffinity !== c.supIndex) this.counters.supSwitches++;
    return result;
  }

  identity(index: number): ClientIdentity {
    return clientIdentity(this.config.seed, index);
  }

  gauges(now: number): FleetGauges {
    return collectGauges(this.#clients, now, this.config.timers.scanTtlMs);
  }
}
