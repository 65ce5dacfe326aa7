// Small catalogs and configs for fleet tests.

import { FleetCatalog } from '../../harness/fleet/catalog-view.ts';
import { defineFleetConfig, type FleetConfig, type FleetConfigInput } from '../../harness/fleet/config.ts';
import { Fleet } from '../../harness/fleet/fleet.ts';

/** One machine type; `updates` updates, every third not applicable, every fourth needing a restart. */
export function smallCatalog(updates = 30, machineTypes = 1): FleetCatalog {
  const catalog = new FleetCatalog(machineTypes);
  for (const table of catalog.machines) {
    for (let u = 0; u < updates; u++) table.add(1000 + u, u % 3 !== 2, u % 4 === 0);
  }
  return catalog;
}

export function config(input: Partial<FleetConfigInput> = {}): FleetConfig {
  return defineFleetConfig({
    seed: 42,
    machines: [{ name: 'win11', build: 22631, weight: 1, installedFraction: 0.5 }],
    ...input,
  });
}

export function fleetOf(n: number, input: Partial<FleetConfigInput> = {}, catalog = smallCatalog()): Fleet {
  return new Fleet({ config: config(input), catalog, from: 0, to: n });
}
