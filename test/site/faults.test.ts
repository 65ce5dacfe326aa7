import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { FaultInjector, NO_FAULT, parseFaultConfig } from '../../site/faults.ts';
import type { RunningShell } from '../../site/shell.ts';
import { InvalidInputError } from '../../site/validation.ts';
import { type Seen, startEchoShell } from './shell-fixtures.ts';

describe('FaultInjector decisions', () => {
  it('decides nothing (and allocates nothing) without rules', () => {
    expect(new FaultInjector().decide('sup', 'GetConfig')).toBe(NO_FAULT);
  });

  it('is deterministic for a seed and differs for another seed', () => {
    const config = {
      seed: 42,
      rules: [{ resetRate: 0.3, stallRate: 0.2, http503Rate: 0.2, serverBusyRate: 0.2 }],
    };
    const run = (seed: number) => {
      const f = new FaultInjector({ ...config, seed });
      return Array.from({ length: 200 }, () => f.decide('mp', 'StateMessage').action);
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('hits each kind at about its rate', () => {
    const f = new FaultInjector({
      rules: [{ resetRate: 0.1, stallRate: 0.2, http503Rate: 0.3, serverBusyRate: 0.15 }],
    });
    const counts: Record<string, number> = {};
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const a = f.decide('sup', 'SyncUpdates').action;
      counts[a] = (counts[a] ?? 0) + 1;
    }
    expect((counts.reset ?? 0) / n).toBeCloseTo(0.1, 1);
    expect((counts.stall ?? 0) / n).toBeCloseTo(0.2, 1);
    expect((counts.http503 ?? 0) / n).toBeCloseTo(0.3, 1);
    expect((counts.busy ?? 0) / n).toBeCloseTo(0.15, 1);
    expect((counts.none ?? 0) / n).toBeCloseTo(0.25, 1);
  });

  it('uses the most specific rule: front-end + operation, then front-end, then operation, then any', () => {
    const f = new FaultInjector({
      rules: [
        { latencyMs: 1 },
        { operation: 'GetConfig', latencyMs: 2 },
        { frontEnd: 'sup', latencyMs: 3 },
        { frontEnd: 'sup', operation: 'GetConfig', latencyMs: 4 },
      ],
    });
    expect(f.decide('sup', 'GetConfig').latencyMs).toBe(4);
    expect(f.decide('sup', 'SyncUpdates').latencyMs).toBe(3);
    expect(f.decide('mp', 'GetConfig').latencyMs).toBe(2);
    expect(f.decide('dp', 'DP.GET').latencyMs).toBe(1);
  });

  it('samples latency distributions with the configured mean and spread', () => {
    const mean = (latencyMs: unknown): { mean: number; min: number; max: number } => {
      const f = new FaultInjector({ seed: 7, rules: [{ latencyMs } as never] });
      let sum = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = 0;
      for (let i = 0; i < 20_000; i++) {
        const v = f.decide('sup', 'X').latencyMs;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return { mean: sum / 20_000, min, max };
    };
    expect(mean(25)).toEqual({ mean: 25, min: 25, max: 25 });
    expect(mean({ distribution: 'fixed', ms: 9 }).mean).toBe(9);
    const u = mean({ distribution: 'uniform', min: 10, max: 30 });
    expect(u.mean).toBeGreaterThan(19.5);
    expect(u.mean).toBeLessThan(20.5);
    expect(u.min).toBeGreaterThanOrEqual(10);
    expect(u.max).toBeLessThanOrEqual(30);
    const e = mean({ distribution: 'exponential', mean: 50 });
    expect(e.mean).toBeGreaterThan(47);
    expect(e.mean).toBeLessThan(53);
    expect(e.max).toBeGreaterThan(200); // a long tail, unlike the uniform
    const n = mean({ distribution: 'normal', mean: 100, sd: 10 });
    expect(n.mean).toBeGreaterThan(99);
    expect(n.mean).toBeLessThan(101);
    expect(n.min).toBeGreaterThan(40);
  });

  it('rejects bad configurations naming the field, the value and what is valid', () => {
    const problems = (input: unknown): string => {
      try {
        parseFaultConfig(input);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInputError);
        return (err as Error).message;
      }
      throw new Error('expected a rejection');
    };
    expect(problems({ rules: [{ resetRate: 1.5 }] })).toMatch(
      /faults\.rules\[0\]\.resetRate: got 1\.5: .*<=1/,
    );
    expect(problems({ rules: [{ frontEnd: 'wsus' }] })).toMatch(
      /rules\[0\]\.frontEnd: got "wsus": .*"sup"\|"mp"\|"dp"\|"\*"/,
    );
    expect(problems({ rules: [{ resetRate: 0.6, stallRate: 0.6 }] })).toMatch(/must not exceed 1/);
    expect(problems({ rules: [{ latencyMs: { distribution: 'pareto' } }] })).toMatch(
      /rules\[0\]\.latencyMs: .*"exponential", mean/,
    );
    expect(problems({ rules: [{ resetrate: 0.1 }] })).toMatch(/rules\[0\]: unknown field\(s\) "resetrate"/);
  });

  it('validates ErrorCode rules: a known code, with a rate, on the SUP only', () => {
    const problems = (rule: Record<string, unknown>): string => {
      try {
        parseFaultConfig({ rules: [rule] });
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInputError);
        return (err as Error).message;
      }
      throw new Error('expected a rejection');
    };
    expect(problems({ frontEnd: 'sup', errorCode: 'Nope', errorCodeRate: 1 })).toMatch(
      /faults\.rules\[0\]\.errorCode: got "Nope": expected one of the WSUS ErrorCodes: InvalidCookie, ConfigChanged, .*FileLocationChanged/,
    );
    expect(problems({ frontEnd: 'sup', errorCodeRate: 0.5 })).toMatch(
      /rules\[0\]\.errorCode: required with errorCodeRate: one of InvalidCookie/,
    );
    expect(problems({ frontEnd: 'sup', errorCode: 'CookieExpired' })).toMatch(
      /rules\[0\]\.errorCodeRate: required with errorCode/,
    );
    expect(problems({ frontEnd: 'mp', errorCode: 'CookieExpired', errorCodeRate: 1 })).toMatch(
      /rules\[0\]\.frontEnd: WSUS ErrorCode faults are answered by the SUP only/,
    );
    expect(problems({ errorCode: 'CookieExpired', errorCodeRate: 1 })).toMatch(/frontEnd: .*SUP only/);
    expect(
      problems({ frontEnd: 'sup', errorCode: 'CookieExpired', errorCodeRate: 0.6, http503Rate: 0.6 }),
    ).toMatch(/errorCodeRate must not exceed 1/);
  });

  it('decides ErrorCode faults at their rate, carrying the code, without shifting the other bands', () => {
    const f = new FaultInjector({
      rules: [{ frontEnd: 'sup', http503Rate: 0.2, errorCode: 'ConfigChanged', errorCodeRate: 0.3 }],
    });
    const plain = new FaultInjector({ rules: [{ frontEnd: 'sup', http503Rate: 0.2 }] });
    let errorCodes = 0;
    let moved503 = 0;
    const codes = new Set<string | undefined>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const d = f.decide('sup', 'SyncUpdates');
      // Same seed, same draw: the 503 band is where it was before ErrorCode rules existed.
      if ((d.action === 'http503') !== (plain.decide('sup', 'SyncUpdates').action === 'http503')) moved503++;
      if (d.action === 'errorCode') {
        codes.add(d.errorCode);
        errorCodes++;
      }
    }
    expect(moved503).toBe(0);
    expect([...codes]).toEqual(['ConfigChanged']);
    expect(errorCodes / n).toBeCloseTo(0.3, 1);
  });
});

describe('fault injection on the wire', () => {
  let shell: RunningShell & { calls: Seen[]; ca: string };
  let http: HttpClient;
  const url = (): string => `${shell.urls.supHttp}/ClientWebService/client.asmx`;

  beforeAll(async () => {
    shell = await startEchoShell();
    http = new HttpClient({ ca: shell.ca, timeoutMs: 3000 });
  });
  afterAll(async () => {
    await http.close();
    await shell.stop();
  });

  const only = (rule: Record<string, unknown>): void =>
    shell.faults.configure({ rules: [{ frontEnd: 'sup', operation: 'GetConfig', ...rule }] });
  const counters = () => shell.stats.snapshot().frontEnds.sup?.operations.GetConfig;

  it('adds latency to the matching operation only', async () => {
    only({ latencyMs: 150 });
    let t0 = performance.now();
    expect((await http.send('POST', url(), { 'x-op': 'GetConfig' })).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    t0 = performance.now();
    expect((await http.send('POST', url(), { 'x-op': 'GetCookie' })).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(counters()?.injected.delayed).toBe(1);
  });

  it('answers ServerBusy with the front-end busy reply and counts the fault code', async () => {
    only({ serverBusyRate: 1 });
    const res = await http.send('POST', url(), { 'x-op': 'GetConfig' });
    expect(res.status).toBe(500);
    expect(res.body.toString()).toBe('<busy op="GetConfig"/>');
    expect(counters()?.faults.ServerBusy).toBe(1);
    expect(counters()?.injected.busy).toBe(1);
  });

  it('answers a bare HTTP 503 like IIS with a stopped application pool', async () => {
    only({ http503Rate: 1 });
    const res = await http.send('POST', url(), { 'x-op': 'GetConfig' });
    expect(res.status).toBe(503);
    expect(res.body.toString()).toMatch(/The service is unavailable/);
    expect(counters()?.injected.http503).toBe(1);
  });

  it('resets the connection, which the client sees as a reset', async () => {
    only({ resetRate: 1 });
    await expect(http.send('POST', url(), { 'x-op': 'GetConfig' }, '<x/>')).rejects.toMatchObject({
      kind: 'reset',
    });
    expect(counters()?.injected.reset).toBe(1);
    // The next request gets a fresh connection and a normal answer.
    shell.faults.configure({});
    expect((await http.send('POST', url(), { 'x-op': 'GetConfig' })).status).toBe(200);
  });

  it('stalls for stallMs and then answers', async () => {
    only({ stallRate: 1, stallMs: 200 });
    const t0 = performance.now();
    expect((await http.send('POST', url(), { 'x-op': 'GetConfig' })).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('stalls without stallMs until the client gives up, and stop() is not held up by it', async () => {
    only({ stallRate: 1 });
    const impatient = new HttpClient({ timeoutMs: 300 });
    const before = shell.calls.length;
    await expect(impatient.send('POST', url(), { 'x-op': 'GetConfig' })).rejects.toMatchObject({
      kind: 'timeout',
    });
    await impatient.close();
    expect(shell.calls.length).toBe(before); // never handed to the front-end
    expect(counters()?.injected.stall).toBe(2);
    shell.faults.configure({});
  });
});

describe('a stalled request at shutdown', () => {
  it('does not keep stop() waiting', async () => {
    const shell = await startEchoShell();
    shell.faults.configure({ rules: [{ stallRate: 1 }] });
    const http = new HttpClient({ timeoutMs: 10_000 });
    const pending = http.send('GET', `${shell.urls.mpHttp}/SMS_MP/.sms_aut?MPLIST`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await shell.stop();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await pending).toMatchObject({ kind: 'reset' });
    await http.close();
  });
});
