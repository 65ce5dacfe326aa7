// Bounded memory: 100,000 warm clients (the largest record: every table position evaluated). Prints the
// measured heap + array-buffer bytes per client; the bound asserted is deliberately loose (2 KB goal).
import { expect, it } from 'vitest';
import { liveBytes } from '../live-bytes.ts';
import { FleetCatalog } from '../../harness/fleet/catalog-view.ts';
import { defineFleetConfig } from '../../harness/fleet/config.ts';
import { Fleet } from '../../harness/fleet/fleet.ts';

it('100,000 warm clients with 600 evaluated updates each stay under 2 KB per client', () => {
  const config = defineFleetConfig({ seed: 1, start: 'warm', rolloutRampMs: 3_600_000 });
  const catalog = new FleetCatalog(config.machines.length);
  catalog.machines.forEach((table, m) => {
    for (let u = 0; u < 600; u++) table.add(m * 10_000 + u, u % 5 !== 0, u % 7 === 0);
  });
  const before = liveBytes();
  const fleet = new Fleet({ config, catalog, from: 0, to: 100_000 });
  const after = liveBytes();
  const perClient = (after - before) / fleet.size;
  console.log(
    `fleet memory: ${Math.round(perClient)} bytes per client (100,000 warm clients, 600 updates each)`,
  );
  expect(fleet.client(99_999).evaluatedCount).toBe(600);
  expect(perClient).toBeLessThan(2048);
});
