// Client-side applicability: what a scan finds on this machine. The machine's "truth" for an update is
// a stateless seeded draw (installed before the run with the machine type's installedFraction, else
// required when applicable), so it needs no storage until the client has evaluated it.

import type { MachineUpdateTable } from './catalog-view.ts';
import { Detection } from './compliance.ts';
import type { FleetConfig } from './config.ts';
import { mix32 } from './rng.ts';

/** Bit set in a nibble to queue the position's 500 message (see compliance.ts). */
const QUEUE_500 = 4;
// Read imported bindings once: transpilers (vitest, tsx, esbuild CJS) turn each access into a getter call.
const NOT_REQUIRED: number = Detection.NotRequired;
const REQUIRED: number = Detection.Required;
const INSTALLED: number = Detection.Installed;
const hash = mix32;

/**
 * Evaluates table positions [from, to) of a client into its nibble array (which must hold `to`
 * positions), optionally queueing a 500 message for each. Returns how many came out Required.
 * Tight loop: a warm 100,000-client fleet evaluates tens of millions of positions at creation.
 */
export function evaluateRange(
  config: FleetConfig,
  table: MachineUpdateTable,
  client: { index: number; machine: number },
  nibbles: Uint8Array,
  from: number,
  to: number,
  queue: boolean,
): number {
  const installedBelow = (config.machines[client.machine]?.installedFraction ?? 0) * 4294967296;
  const clientKey = hash(hash(config.seed) ^ client.index);
  const flag = queue ? QUEUE_500 : 0;
  let required = 0;
  for (let p = from; p < to; p++) {
    let state = NOT_REQUIRED;
    if (table.applicableAt(p)) {
      state = hash(clientKey ^ table.updateAt(p)) < installedBelow ? INSTALLED : REQUIRED;
      if (state === REQUIRED) required++;
    }
    const i = p >> 1;
    const byte = nibbles[i] ?? 0;
    const value = state | flag;
    nibbles[i] = p & 1 ? (byte & 0x0f) | (value << 4) : (byte & 0xf0) | value;
  }
  return required;
}
