// Benchmark of the per-worker schedule (harness/engine/wake-heap.ts) at fleet scale: 100,000 clients
// pushed, then the steady-state pattern of a run (pop the due client, schedule its next wake-up),
// then popping everything. Prints ns per operation and the heap's memory.
import { WakeHeap } from '../harness/engine/wake-heap.ts';

const N = 100_000;
const ROUNDS = 5;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const best = {
  push: Number.POSITIVE_INFINITY,
  cycle: Number.POSITIVE_INFINITY,
  pop: Number.POSITIVE_INFINITY,
};
for (let round = 0; round < ROUNDS; round++) {
  const random = rng(round + 1);
  const heap = new WakeHeap(N);
  const hour = 3_600_000;
  best.push = Math.min(
    best.push,
    time(() => {
      for (let c = 0; c < N; c++) heap.schedule(c, random() * hour);
    }),
  );
  // A run's steady state: the earliest client wakes, and is rescheduled about an hour later.
  best.cycle = Math.min(
    best.cycle,
    time(() => {
      for (let i = 0; i < N; i++) {
        const c = heap.pop();
        heap.schedule(c, heap.lastKey(c) + hour * (0.5 + random()));
      }
    }),
  );
  best.pop = Math.min(
    best.pop,
    time(() => {
      while (heap.size > 0) heap.pop();
    }),
  );
}

const ns = (ms: number) => ((ms * 1e6) / N).toFixed(0);
console.log(`wake heap, ${N.toLocaleString('en')} clients, best of ${ROUNDS} (node ${process.version}):`);
console.log(`  push all:              ${best.push.toFixed(1)} ms  (${ns(best.push)} ns/op)`);
console.log(`  pop + reschedule each: ${best.cycle.toFixed(1)} ms  (${ns(best.cycle)} ns/op)`);
console.log(`  pop all:               ${best.pop.toFixed(1)} ms  (${ns(best.pop)} ns/op)`);
console.log(`  memory: ${(N * (8 + 4 + 4)) / 1024} KiB in typed arrays (16 B per client)`);
