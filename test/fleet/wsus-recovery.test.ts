// W-COOKIE (every fault code's recovery), W-COLD / W-DELTA handshakes and T-SCANRETRY.
import { describe, expect, it } from 'vitest';
import type { ScanResult, WsusFaultCode, WsusStep } from '../../harness/fleet/vocabulary.ts';
import { FakeEngine, HOUR, MIN } from './fake-engine.ts';
import { fleetOf } from './fixtures.ts';

const ok = (): ScanResult => ({ kind: 'scan-result', outcome: 'ok', catalogVersion: 1, evaluatedCount: 30 });

/** A client that finished its cold first scan; `reply` answers every later scan call. */
function warmClient(supCount = 1) {
  const fleet = fleetOf(1);
  const engine = new FakeEngine(fleet, {
    location: () => ({ kind: 'wsus-location-result', ok: true, supCount }),
  });
  engine.runUntil(3 * HOUR);
  const first = engine.scans(0);
  expect(first).toHaveLength(1);
  return { fleet, engine, scannedAt: first[0]!.at + engine.latencyMs };
}

describe('W-COLD / W-DELTA', () => {
  it('the first scan runs the whole handshake, a later one within the cookie lifetime none', () => {
    const { engine, scannedAt } = warmClient();
    expect(engine.scans(0)[0]!.action.handshake).toEqual([
      'GetConfig',
      'GetAuthorizationCookie',
      'GetCookie',
      'RegisterComputer',
    ]);
    engine.inject(0, { kind: 'force-scan' }, scannedAt + 10 * MIN);
    engine.runUntil(scannedAt + 11 * MIN);
    expect(engine.scans(0)[1]!.action).toMatchObject({ cold: false, cookieRefresh: false, handshake: [] });
    expect(engine.scans(0)[1]!.action.cachedCount).toBe(30);
  });

  it('refreshes the cookie (only) once the cookie has expired', () => {
    const { engine, scannedAt } = warmClient();
    engine.inject(0, { kind: 'force-scan' }, scannedAt + 61 * MIN);
    engine.runUntil(scannedAt + 62 * MIN);
    expect(engine.scans(0)[1]!.action).toMatchObject({
      cold: false,
      cookieRefresh: true,
      handshake: ['GetAuthorizationCookie', 'GetCookie'],
    });
  });
});

describe('W-COOKIE fault recovery', () => {
  const repeats: Array<[WsusFaultCode, WsusStep[]]> = [
    ['CookieExpired', ['GetAuthorizationCookie', 'GetCookie']],
    ['InvalidCookie', ['GetConfig', 'GetAuthorizationCookie', 'GetCookie', 'RefreshCache']],
    ['ServerChanged', ['GetConfig', 'GetAuthorizationCookie', 'GetCookie', 'RefreshCache']],
    ['ConfigChanged', ['GetConfig', 'GetAuthorizationCookie', 'GetCookie']],
    ['RegistrationRequired', ['RegisterComputer']],
    ['RegistrationNotRequired', []],
    ['FileLocationChanged', ['GetFileLocations']],
  ];
  it.each(repeats)('%s: redoes %j and repeats the call at once', (fault, handshake) => {
    const { engine, scannedAt, fleet } = warmClient();
    let calls = 0;
    engine.replies.scan = () => (calls++ === 0 ? { kind: 'scan-result', outcome: 'fault', fault } : ok());
    const at = scannedAt + 10 * MIN; // cookie still valid: any handshake step comes from the fault
    engine.inject(0, { kind: 'force-scan' }, at);
    engine.runUntil(at + 5 * MIN);
    const scans = engine.scans(0).slice(1);
    expect(scans).toHaveLength(2);
    expect(scans[0]!.action).toMatchObject({ repeat: false, handshake: [] });
    expect(scans[1]!.at).toBe(at + engine.latencyMs);
    expect(scans[1]!.action).toMatchObject({ repeat: true, forced: true, reason: 'forced', handshake });
    expect(fleet.counters.scanRepeats).toBe(1);
    // After the recovered scan succeeds the next one is a plain warm scan again.
    engine.inject(0, { kind: 'force-scan' }, at + 10 * MIN);
    engine.runUntil(at + 11 * MIN);
    expect(engine.scans(0).at(-1)!.action.handshake).toEqual([]);
  });

  it('CookieExpired marks the repeat as a cookie refresh', () => {
    const { engine, scannedAt } = warmClient();
    let calls = 0;
    engine.replies.scan = () =>
      calls++ === 0 ? { kind: 'scan-result', outcome: 'fault', fault: 'CookieExpired' } : ok();
    engine.inject(0, { kind: 'force-scan' }, scannedAt + 10 * MIN);
    engine.runUntil(scannedAt + 15 * MIN);
    expect(engine.scans(0)[2]!.action).toMatchObject({ cookieRefresh: true, cold: false, repeat: true });
  });

  it('RegistrationRequired after InvalidCookie registers although the config was dropped', () => {
    const { engine, scannedAt } = warmClient();
    const faults: WsusFaultCode[] = ['InvalidCookie', 'RegistrationRequired'];
    let calls = 0;
    engine.replies.scan = () => {
      const fault = faults[calls++];
      return fault ? { kind: 'scan-result', outcome: 'fault', fault } : ok();
    };
    const at = scannedAt + 10 * MIN;
    engine.inject(0, { kind: 'force-scan' }, at);
    engine.runUntil(at + 5 * MIN);
    expect(engine.scans(0).map((s) => s.action.handshake)).toEqual([
      ['GetConfig', 'GetAuthorizationCookie', 'GetCookie', 'RegisterComputer'],
      [],
      ['GetConfig', 'GetAuthorizationCookie', 'GetCookie', 'RefreshCache'],
      ['GetConfig', 'GetAuthorizationCookie', 'GetCookie', 'RegisterComputer', 'RefreshCache'],
    ]);
  });

  const failures: WsusFaultCode[] = [
    'ServerBusy',
    'InternalServerError',
    'InvalidParameters',
    'InvalidAuthorizationCookie',
  ];
  it.each(failures)('%s: no repeat; the scan fails and retries after 30 min', (fault) => {
    const { engine, scannedAt } = warmClient();
    let calls = 0;
    engine.replies.scan = () => (calls++ === 0 ? { kind: 'scan-result', outcome: 'fault', fault } : ok());
    const at = scannedAt + 10 * MIN;
    engine.inject(0, { kind: 'force-scan' }, at);
    engine.runUntil(at + 40 * MIN);
    const scans = engine.scans(0).slice(1);
    expect(scans.map((s) => [s.at - at, s.action.reason, s.action.repeat])).toEqual([
      [0, 'forced', false],
      [engine.latencyMs + 30 * MIN, 'retry', false],
    ]);
    expect(scans[1]!.action.forced).toBe(true);
  });

  it('gives up repeating after maxFaultRecoveriesPerScan and falls into the retry schedule', () => {
    const { engine, scannedAt, fleet } = warmClient();
    engine.replies.scan = () => ({ kind: 'scan-result', outcome: 'fault', fault: 'CookieExpired' });
    const at = scannedAt + 10 * MIN;
    engine.inject(0, { kind: 'force-scan' }, at);
    engine.runUntil(at + 10 * MIN);
    const max = fleet.config.rules.maxFaultRecoveriesPerScan;
    expect(
      engine
        .scans(0)
        .slice(1)
        .filter((s) => s.action.repeat),
    ).toHaveLength(max);
    expect(fleet.client(0).scanDueAt).toBe(at + (max + 1) * engine.latencyMs + 30 * MIN);
  });
});

describe('T-SCANRETRY', () => {
  it('retries 4 times 30 min apart, then moves to the next SUP and keeps affinity to it', () => {
    const { engine, scannedAt, fleet } = warmClient(3);
    expect(engine.scans(0)[0]!.action.sup).toBe(0);
    const sup0Down = (sup: number): ScanResult =>
      sup === 0 ? { kind: 'scan-result', outcome: 'failed', failure: 'refused' } : ok();
    engine.replies.scan = (_c, action) => sup0Down(action.sup);
    const at = scannedAt + 2 * HOUR;
    engine.inject(0, { kind: 'force-scan' }, at);
    engine.runUntil(at + 4 * HOUR);
    const online = engine.scans(0).filter((s) => s.at >= at && s.action.online);
    const lat = engine.latencyMs;
    expect(online.map((s) => [s.at - at, s.action.sup])).toEqual([
      [0, 0],
      [lat + 30 * MIN, 0],
      [2 * lat + 60 * MIN, 0],
      [3 * lat + 90 * MIN, 0],
      [4 * lat + 120 * MIN, 0],
      [5 * lat + 122 * MIN, 1],
    ]);
    // A new server: the whole handshake again.
    expect(online[5]!.action.handshake).toEqual([
      'GetConfig',
      'GetAuthorizationCookie',
      'GetCookie',
      'RegisterComputer',
    ]);
    expect(fleet.client(0).supAffinity).toBe(1);
    expect(fleet.counters.supSwitches).toBe(1);
    // SUP 0 is back, but the client stays with SUP 1, the last one that worked.
    engine.replies.scan = () => ok();
    engine.inject(0, { kind: 'force-scan' }, at + 5 * HOUR);
    engine.runUntil(at + 5 * HOUR + MIN);
    expect(engine.scans(0).at(-1)!.action.sup).toBe(1);
  });

  it('a forced scan that fails does not fall back to an offline scan', () => {
    const { engine, scannedAt } = warmClient();
    engine.replies.scan = () => ({ kind: 'scan-result', outcome: 'failed', failure: 'timeout' });
    engine.inject(0, { kind: 'force-scan' }, scannedAt + HOUR);
    engine.runUntil(scannedAt + HOUR + MIN);
    expect(
      engine
        .scans(0)
        .slice(1)
        .map((s) => s.action.online),
    ).toEqual([true]);
  });
});
