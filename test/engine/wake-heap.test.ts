import { describe, expect, it } from 'vitest';
import { WakeHeap } from '../../harness/engine/wake-heap.ts';

function drain(h: WakeHeap): [number, number][] {
  const out: [number, number][] = [];
  while (h.size > 0) {
    const c = h.pop();
    out.push([c, h.lastKey(c)]);
  }
  return out;
}

describe('WakeHeap', () => {
  it('pops clients in wake-up order, ties broken by client index', () => {
    const h = new WakeHeap(6);
    for (const [client, key] of [50, 10, 30, 10, 70, 0].entries()) h.schedule(client, key);
    expect(h.peekKey()).toBe(0);
    expect(drain(h)).toEqual([
      [5, 0],
      [1, 10],
      [3, 10],
      [2, 30],
      [0, 50],
      [4, 70],
    ]);
    expect(h.pop()).toBe(-1);
    expect(h.peekKey()).toBe(Number.POSITIVE_INFINITY);
  });

  it('moves a rescheduled client instead of adding it twice, and cancels', () => {
    const h = new WakeHeap(4);
    h.schedule(0, 100);
    h.schedule(1, 200);
    h.schedule(2, 300);
    h.schedule(2, 50); // earlier
    h.schedule(0, 400); // later
    expect(h.size).toBe(3);
    expect(h.cancel(1)).toBe(true);
    expect(h.cancel(1)).toBe(false);
    expect(h.has(1)).toBe(false);
    expect(h.keyOf(0)).toBe(400);
    expect(drain(h).map(([c]) => c)).toEqual([2, 0]);
  });

  it('agrees with a sorted reference on 20,000 random operations', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const n = 500;
    const h = new WakeHeap(n);
    const ref = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const client = Math.floor(rnd() * n);
      const r = rnd();
      if (r < 0.6) {
        const key = Math.floor(rnd() * 1000);
        h.schedule(client, key);
        ref.set(client, key);
      } else if (r < 0.8) {
        expect(h.cancel(client)).toBe(ref.delete(client));
      } else if (ref.size > 0) {
        const expected = [...ref].sort((a, b) => a[1] - b[1] || a[0] - b[0])[0]!;
        const c = h.pop();
        expect([c, h.lastKey(c)]).toEqual(expected);
        ref.delete(c);
      }
      expect(h.size).toBe(ref.size);
    }
  });

  it('rejects out-of-range clients and NaN keys', () => {
    const h = new WakeHeap(2);
    expect(() => h.schedule(2, 1)).toThrow(/out of range/);
    expect(() => h.schedule(0, Number.NaN)).toThrow(/NaN/);
  });
});
