// bench:profile's heap snapshots: a thread writes one when its virtual time passes a moment the
// environment asks for (once each), and the summary finds what the thread holds by constructor — here
// 20,000 objects of a class only this test makes.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { HEAP_AT_ENV, HEAP_DIR_ENV, heapSnapshotsFromEnv } from '../../harness/engine/heap-snapshots.ts';
import { heapGrowth, summarizeHeap } from '../../harness/run/heap-summary.ts';

const dir = mkdtempSync(join(tmpdir(), 'patchstorm-heap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class HeapSummaryTestMarker {
  constructor(readonly n: number) {}
}

it('writes a snapshot per moment once it is due and ranks what the thread holds by constructor', () => {
  expect(heapSnapshotsFromEnv('shard0', {})).toBeUndefined();
  const plan = heapSnapshotsFromEnv('shard0', { [HEAP_AT_ENV]: '1000,5000', [HEAP_DIR_ENV]: dir })!;
  const held: HeapSummaryTestMarker[] = [];
  plan.check(999);
  expect(readdirSync(dir)).toEqual([]);
  plan.check(1000);
  for (let i = 0; i < 20_000; i++) held.push(new HeapSummaryTestMarker(i));
  plan.check(4000);
  plan.check(6000);
  plan.check(7000);
  expect(readdirSync(dir).sort()).toEqual(['shard0-1000.heapsnapshot', 'shard0-5000.heapsnapshot']);

  const before = summarizeHeap(join(dir, 'shard0-1000.heapsnapshot'));
  const after = summarizeHeap(join(dir, 'shard0-5000.heapsnapshot'));
  const marker = (h: typeof after) => h.groups.find((g) => g.name === 'HeapSummaryTestMarker');
  expect(marker(before)).toBeUndefined();
  expect(marker(after)?.count).toBe(20_000);
  expect(marker(after)!.selfBytes).toBeGreaterThanOrEqual(20_000 * 16);
  expect(after.totalBytes).toBe(after.groups.reduce((s, g) => s + g.selfBytes, 0));
  const growth = heapGrowth(before, after).groups.find((g) => g.name === 'HeapSummaryTestMarker');
  expect(growth?.count).toBe(20_000);
  expect(held.length).toBe(20_000);
}, 60_000);
