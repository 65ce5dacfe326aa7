import { describe, expect, it } from 'vitest';
import { ManualClock, ScaledClock, wallNow } from '../../harness/engine/clock.ts';

describe('virtual clocks', () => {
  it('maps virtual to wall time through the speed factor, both ways', () => {
    const c = new ScaledClock({ virtualStart: 1_000_000, wallStart: 5_000, speed: 60 });
    // An emulated hour is a wall minute.
    expect(c.toWall(1_000_000 + 3_600_000)).toBe(5_000 + 60_000);
    expect(c.toVirtual(5_000 + 60_000)).toBe(1_000_000 + 3_600_000);
  });

  it('runs at the given speed against the wall clock', async () => {
    const c = ScaledClock.startingNow(100, 0);
    const w0 = wallNow();
    await new Promise((r) => setTimeout(r, 50));
    const elapsedWall = wallNow() - w0;
    expect(c.now()).toBeGreaterThanOrEqual(elapsedWall * 100 - 200);
    expect(c.now()).toBeLessThanOrEqual((elapsedWall + 20) * 100);
  });

  it('a manual clock moves only when told, never backwards, and keeps wall time consistent', () => {
    const c = new ManualClock({ virtualStart: 0, wallStart: 0, speed: 10 });
    c.advance(1000);
    expect(c.now()).toBe(1000);
    expect(c.wallNow()).toBe(100);
    c.set(5000);
    expect(() => c.set(10)).toThrow(/cannot go back/);
    expect(() => c.advance(-1)).toThrow();
  });

  it('refuses a speed that is not a positive finite number', () => {
    expect(() => new ScaledClock({ virtualStart: 0, wallStart: 0, speed: 0 })).toThrow(/speed/);
    expect(() => new ManualClock({ speed: Number.POSITIVE_INFINITY })).toThrow(/speed/);
  });
});
