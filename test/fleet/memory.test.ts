// Bounded memory: 100,000 warm clients (the largest record: every table position evaluated). Prints the
// measured heap + array-buffer bytes per client; the bound asserted is deliberately loose (2 KB goal).
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, it } from 'vitest';
import { FleetCatalog } from '../../harness/fleet/catalog-view.ts';
import { defineFleetConfig } from '../../harness/fleet/config.ts';
import { Fleet } from '../../harness/fleet/fleet.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function used(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

it('100,000 warm clients with 600 evaluated updates each stay under 2 KB per client', () => {
  const config = defineFleetConfig({ seed: 1, start: 'warm', rolloutRampMs: 3_600_000 });
  const catalog = new FleetCatalog(config.machines.length);
  catalog.machines.forEach((table, m) => {
    for (let u = 0; u < 600; u++) table.add(m * 10_000 + u, u % 5 !== 0, u % 7 === 0);
  });
  const before = used();
  const fleet = new Fleet({ config, catalog, from: 0, to: 100_000 });
  const after = used();
  const perClient = (after - before) / fleet.size;
  console.log(
    `fleet memory: ${Math.round(perClient)} bytes per client (100,000 warm clients, 600 updates each)`,
  );
  expect(fleet.client(99_999).evaluatedCount).toBe(600);
  expect(perClient).toBeLessThan(2048);
});
