// T-FIRSTSCAN, T-POLL, T-SCANSCHED, T-REEVAL on a driven clock.
import { describe, expect, it } from 'vitest';
import { effectiveScanScheduleMs } from '../../harness/fleet/config.ts';
import { DAY, FakeEngine, HOUR, MIN } from './fake-engine.ts';
import { fleetOf } from './fixtures.ts';
import { CHI2_CRITICAL_P001, chiSquareUniform } from './stats.ts';

describe('T-FIRSTSCAN', () => {
  it('spreads the first scans of 10,000 clients uniformly over the 2 h after the enabling policy', () => {
    const fleet = fleetOf(10_000);
    const engine = new FakeEngine(fleet);
    engine.runUntil(2 * HOUR + MIN);
    const enabledAt = new Map<number, number>();
    for (const p of engine.actions('policy-poll')) {
      if (!enabledAt.has(p.client)) enabledAt.set(p.client, p.at + engine.latencyMs);
    }
    // Fresh clients learn their SUP list first: the scan call follows the location reply.
    const offsets = engine.scans().map((s) => s.at - engine.latencyMs - enabledAt.get(s.client)!);
    expect(offsets).toHaveLength(10_000);
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(2 * HOUR);
    const chi2 = chiSquareUniform(offsets, 2 * HOUR, 24);
    expect(chi2).toBeLessThan(CHI2_CRITICAL_P001[23]!);
    // The same check rejects a clumped schedule (mean of two uniform draws: triangular).
    const clumped = offsets.map((o, i) => (o + offsets[(i * 7919) % offsets.length]!) / 2);
    expect(chiSquareUniform(clumped, 2 * HOUR, 24)).toBeGreaterThan(CHI2_CRITICAL_P001[23]!);
  });
});

describe('T-POLL', () => {
  it('polls every 60 min, each client at its own phase, phases uniform over the hour', () => {
    const fleet = fleetOf(2_000, { start: 'warm' });
    const engine = new FakeEngine(fleet);
    engine.runUntil(3 * HOUR);
    const byClient = new Map<number, number[]>();
    for (const p of engine.actions('policy-poll'))
      byClient.set(p.client, [...(byClient.get(p.client) ?? []), p.at]);
    expect(byClient.size).toBe(2_000);
    for (const times of byClient.values()) {
      expect(times.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(HOUR);
    }
    const phases = [...byClient.values()].map((t) => t[0]! % HOUR);
    expect(chiSquareUniform(phases, HOUR, 12)).toBeLessThan(CHI2_CRITICAL_P001[11]!);
  });

  it('fresh clients poll right after registration (T-REGWAIT), then at a random phase', () => {
    const fleet = fleetOf(1_000);
    const engine = new FakeEngine(fleet);
    engine.runUntil(4 * HOUR);
    const secondPhases: number[] = [];
    for (let c = 0; c < 1_000; c++) {
      const times = engine.actions('policy-poll', c).map((p) => p.at);
      expect(times[0]).toBe(engine.latencyMs + fleet.config.timers.registrationWaitMs);
      expect(times[3]! - times[2]!).toBe(HOUR);
      secondPhases.push((times[1]! - times[0]!) % HOUR);
    }
    expect(chiSquareUniform(secondPhases, HOUR, 12)).toBeLessThan(CHI2_CRITICAL_P001[11]!);
  });
});

describe('T-SCANSCHED / T-REEVAL', () => {
  const enabledAtOf = (engine: FakeEngine, client: number) =>
    engine.actions('policy-poll', client)[0]!.at + engine.latencyMs;

  it('scheduled scans start 7 d after enabling plus a random delay of at most 2 h; re-evaluation every 7 d', () => {
    const fleet = fleetOf(200);
    const engine = new FakeEngine(fleet);
    engine.runUntil(7 * DAY + 3 * HOUR);
    const delays: number[] = [];
    for (let c = 0; c < 200; c++) {
      const enabledAt = enabledAtOf(engine, c);
      const scheduled = engine.scans(c).filter((s) => s.action.reason === 'schedule');
      expect(scheduled).toHaveLength(1);
      const delay = scheduled[0]!.at - (enabledAt + 7 * DAY);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(2 * HOUR);
      delays.push(delay);
      expect(scheduled[0]!.action.forced).toBe(false);
      const reevaluation = engine.scans(c).filter((s) => s.action.reason === 'reevaluation');
      expect(reevaluation.map((s) => s.at)).toEqual([enabledAt + 7 * DAY]);
    }
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(HOUR);
  });

  it('raises a schedule under 1 day to 1 day', () => {
    const fleet = fleetOf(20, { timers: { scanScheduleMs: 6 * HOUR } });
    expect(effectiveScanScheduleMs(fleet.config.timers)).toBe(DAY);
    const engine = new FakeEngine(fleet);
    engine.runUntil(3 * DAY);
    for (let c = 0; c < 20; c++) {
      const enabledAt = enabledAtOf(engine, c);
      const scheduled = engine.scans(c).filter((s) => s.action.reason === 'schedule');
      expect(scheduled.map((s) => Math.floor((s.at - enabledAt) / DAY))).toEqual([1, 2]);
      for (const s of scheduled) expect((s.at - enabledAt) % DAY).toBeLessThan(2 * HOUR);
    }
  });
});
