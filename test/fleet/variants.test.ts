// The 2007 book's trigger table (behaviour.md §3) and every-timer configurability.
import { describe, expect, it } from 'vitest';
import { defaultRules, defaultTimers, defineFleetConfig } from '../../harness/fleet/config.ts';
import { DAY, FakeEngine, HOUR, MIN } from './fake-engine.ts';
import { fleetOf } from './fixtures.ts';

describe('2007 variant', () => {
  it('has a 5 min state-message cycle, forced schedule scans and forced deadline scans; current has neither', () => {
    expect(defaultTimers('2007').stateMessageCycleMs).toBe(5 * MIN);
    expect(defaultTimers('current').stateMessageCycleMs).toBe(15 * MIN);
    expect(defaultRules('2007')).toMatchObject({ scheduleScanForced: true, deadlineScanForced: true });
    expect(defaultRules('current')).toMatchObject({ scheduleScanForced: false, deadlineScanForced: false });
    const overridden = defineFleetConfig({
      seed: 1,
      variant: '2007',
      timers: { stateMessageCycleMs: 15 * MIN },
    });
    expect(overridden.timers.stateMessageCycleMs).toBe(15 * MIN);
    expect(overridden.rules.scheduleScanForced).toBe(true);
  });

  /** A fresh client force-scanned an hour before its scheduled scan: inside the TTL there. */
  const scheduledScan = (variant: 'current' | '2007') => {
    const fleet = fleetOf(1, { variant });
    const engine = new FakeEngine(fleet);
    engine.inject(0, { kind: 'force-scan' }, 7 * DAY - HOUR);
    engine.runUntil(7 * DAY + 3 * HOUR);
    const scheduled = engine.scans(0).filter((s) => s.action.reason === 'schedule');
    expect(scheduled).toHaveLength(1);
    return scheduled[0]!.action;
  };

  it('the scan schedule is non-forced (offline inside the TTL) now, forced online in 2007', () => {
    expect(scheduledScan('current')).toMatchObject({ forced: false, online: false });
    expect(scheduledScan('2007')).toMatchObject({ forced: true, online: true });
  });

  const deadlineScan = (variant: 'current' | '2007') => {
    const fleet = fleetOf(1, { variant, start: 'warm', timers: { deadlineRandomMs: 0 } });
    const engine = new FakeEngine(fleet);
    const all = Array.from({ length: 30 }, (_, i) => 1000 + i);
    fleet.catalog.addDeployment({ kind: 'required', startTime: 0, deadline: 2 * DAY, updates: all });
    engine.inject(0, { kind: 'force-scan' }, 2 * DAY - HOUR);
    engine.runUntil(2 * DAY + HOUR);
    const scans = engine.scans(0).filter((s) => s.action.reason === 'deadline');
    expect(scans).toHaveLength(1);
    expect(scans[0]!.at).toBe(2 * DAY);
    return scans[0]!.action;
  };

  it('the deadline scan is non-forced (offline inside the TTL) now, forced online in 2007', () => {
    expect(deadlineScan('current')).toMatchObject({ forced: false, online: false });
    expect(deadlineScan('2007')).toMatchObject({ forced: true, online: true });
  });
});

describe('config validation', () => {
  it('names the field, the value and what would be valid', () => {
    expect(() => defineFleetConfig({ seed: 1, timers: { policyPollMs: 0 } })).toThrow(
      /timers\.policyPollMs = 0 is invalid; expected a finite number of ms > 0/,
    );
    expect(() =>
      defineFleetConfig({ seed: 1, machines: [{ name: 'x', build: 1, weight: 1, installedFraction: 1.5 }] }),
    ).toThrow(/machines\[0\]\.installedFraction = 1.5/);
    expect(() => defineFleetConfig({ seed: 1, start: 'tepid' as 'warm' })).toThrow(/start = "tepid"/);
    expect(() =>
      defineFleetConfig({
        seed: 1,
        maintenanceWindows: [{ weight: 1, periodMs: HOUR, offsetMs: 0, durationMs: 2 * HOUR }],
      }),
    ).toThrow(/maintenanceWindows\[0\]\.durationMs/);
  });
});
