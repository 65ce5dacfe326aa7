// Client-side applicability: what a scan finds on this machine. The machine's "truth" for an update is
// a stateless seeded draw (installed before the run with the machine type's installedFraction, else
// required when applicable), so it needs no storage until the client has evaluated it.

import type { MachineUpdateTable } from './catalog-view.ts';
import { Detection, type DetectionState } from './compliance.ts';
import type { FleetConfig } from './config.ts';
import { unitHash } from './rng.ts';

export function evaluatePosition(
  config: FleetConfig,
  table: MachineUpdateTable,
  client: { index: number; machine: number },
  position: number,
): DetectionState {
  if (!table.applicableAt(position)) return Detection.NotRequired;
  const installedFraction = config.machines[client.machine]?.installedFraction ?? 0;
  const u = unitHash(config.seed, client.index, table.updateAt(position));
  return u < installedFraction ? Detection.Installed : Detection.Required;
}
