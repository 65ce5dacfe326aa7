// Seeded and reproducible: same seed, same schedule; a client's schedule does not depend on its slice.
import { describe, expect, it } from 'vitest';
import { Fleet } from '../../harness/fleet/fleet.ts';
import { clientIdentity } from '../../harness/fleet/identity.ts';
import { DAY, FakeEngine } from './fake-engine.ts';
import { config, smallCatalog } from './fixtures.ts';

function run(seed: number, from: number, to: number) {
  const catalog = smallCatalog();
  catalog.addDeployment({
    kind: 'required',
    startTime: 0,
    deadline: DAY,
    updates: [1000, 1001, 1003, 1004, 1005],
  });
  const fleet = new Fleet({ config: config({ seed, rolloutRampMs: 2 * 3_600_000 }), catalog, from, to });
  const engine = new FakeEngine(fleet);
  engine.runUntil(2 * DAY);
  return engine.log.map((l) => JSON.stringify([l.at, l.client, l.action]));
}

describe('determinism', () => {
  it('the same seed gives the identical action sequence; another seed does not', () => {
    const a = run(7, 0, 200);
    const b = run(7, 0, 200);
    expect(a.length).toBeGreaterThan(2_000);
    expect(b).toEqual(a);
    expect(run(8, 0, 200)).not.toEqual(a);
  });

  it("a client's actions do not depend on which slice holds it", () => {
    const whole = run(7, 0, 200).filter((l) => JSON.parse(l)[1] === 150);
    const slice = run(7, 150, 160).filter((l) => JSON.parse(l)[1] === 150);
    expect(whole.length).toBeGreaterThan(10);
    expect(slice).toEqual(whole);
  });

  it('derives stable, distinct identities from seed and index', () => {
    const a = clientIdentity(7, 42);
    expect(clientIdentity(7, 42)).toEqual(a);
    expect(a.smsGuid).toMatch(/^GUID:[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(a.susClientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.hostName).toBe('PSW000042');
    expect(clientIdentity(7, 43).smsGuid).not.toBe(a.smsGuid);
    expect(clientIdentity(8, 42).susClientId).not.toBe(a.susClientId);
  });
});
