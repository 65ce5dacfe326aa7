import { describe, expect, it } from 'vitest';
import { checkRunFlags, OptionError, planRun } from '../../harness/cli/run-options.ts';
import { sendOptions } from '../../harness/run/run-plan.ts';
import { applyThresholdFlag } from '../../harness/run/threshold-flag.ts';
import { BUILTIN_PROFILES } from '../../profiles/index.ts';

function refusal(fn: () => unknown): OptionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OptionError) return err;
    throw err;
  }
  throw new Error('expected an OptionError');
}

describe('patchstorm run options', () => {
  it('defaults to patch-tuesday on the embedded site with a timestamped report folder', () => {
    const c = checkRunFlags({}, new Date('2026-05-12T09:30:00.000Z'));
    expect(c.profile).toBe('patch-tuesday');
    expect(c.target).toEqual({ kind: 'embedded' });
    expect(c.outDir).toBe('reports/2026-05-12T09-30-00');
  });

  it.each([
    [{ clients: '0' }, '--clients', '1 to 200000'],
    [{ clients: '200001' }, '--clients', '1 to 200000'],
    [{ clients: '1e3' }, '--clients', 'whole number'],
    [{ speed: '0' }, '--speed', '> 0'],
    [{ speed: 'fast' }, '--speed', '> 0'],
    [{ duration: 'soon' }, '--duration', 'virtual duration'],
    [{ workers: '0' }, '--workers', '1 to 256'],
    [
      { connections: '0' },
      '--connections',
      'sockets per target origin and worker thread: a whole number from 1 to 10000',
    ],
    [{ connections: '10001' }, '--connections', '1 to 10000'],
    [{ connections: 'lots' }, '--connections', '1 to 10000'],
    [
      { maxInFlight: '0' },
      '--max-in-flight',
      'requests in flight per worker thread: a whole number from 1 to 1000000',
    ],
    [{ maxInFlight: '2.5' }, '--max-in-flight', '1 to 1000000'],
    [{ mp: 'ftp://mp', sup: ['http://sup:8530'] }, '--mp', 'http:// or https://'],
    [{ mp: 'http://mp' }, '--mp', 'at least one --sup'],
    [{ sup: ['http://sup:8530'] }, '--sup', 'needs --mp'],
    [{ observer: 'http://127.0.0.1:8090' }, '--observer', 'needs --mp'],
    [{ ca: '/nonexistent/ca.pem' }, '--ca', 'readable PEM file (ENOENT)'],
    [{ ca: '/etc/hostname' }, '--ca', 'at least one "-----BEGIN CERTIFICATE-----" block'],
    [{ ca: '/etc/hostname', insecure: true }, '--ca', '--insecure'],
    [{ out: ['/etc/hostname'] }, '--out', 'folder'],
    [{ outDir: '/etc/hostname' }, '--out-dir', 'folder'],
    [{ out: ['influx=http://127.0.0.1:8086/db'] }, '--out', "unknown output 'influx'"],
    [{ out: ['json=a.json', 'json=b.json'] }, '--out', 'given 2 times'],
    [{ out: ['json='] }, '--out', 'needs a value'],
    [{ out: ['old-dir'], outDir: 'new-dir' }, '--out', 'use --out-dir alone'],
    [{ grafanaUrl: 'grafana:3000' }, '--grafana-url', 'http://'],
    [{ requestTimeout: 'soon' }, '--request-timeout', 'expected'],
    [{ maxReplySize: '12 parsecs' }, '--max-reply-size', 'expected'],
    [{ maxBuffered: '1' }, '--max-buffered', 'expected'],
    [{ threshold: ['p99:wsus.SyncUpdates<1s'] }, '--threshold', 'p95:'],
    [{ threshold: ['errorRate<2'] }, '--threshold', 'fraction'],
  ])('refuses %j naming the option, the value and what is valid', (flags, option, expected) => {
    const err = refusal(() => checkRunFlags(flags));
    expect(err.option).toBe(option);
    expect(err.message).toContain(expected);
    expect(err.message).toContain(JSON.stringify(err.value));
  });

  it('reads --out NAME[=ARG] as outputs, and a bare folder as the deprecated --out-dir', () => {
    const c = checkRunFlags({ out: ['timeline=t.ndjson', 'json'], outDir: 'runs/a' });
    expect(c.outputs).toEqual([{ name: 'timeline', arg: 't.ndjson' }, { name: 'json' }]);
    expect(c.outDir).toBe('runs/a');
    expect(c.notices).toEqual([]);
    const legacy = checkRunFlags({ out: ['reports/old'] });
    expect(legacy.outDir).toBe('reports/old');
    expect(legacy.outputs).toEqual([]);
    expect(legacy.notices[0]).toContain('deprecated, use --out-dir reports/old');
  });

  it('takes the request deadline and reply memory limits into the plan', () => {
    const c = checkRunFlags({ requestTimeout: '45s', maxReplySize: '8MiB', maxBuffered: '128MiB' });
    expect(c.limits).toEqual({
      timeoutMs: 45_000,
      maxBodyBytes: 8 * 1024 * 1024,
      maxBufferedBytes: 128 * 1024 * 1024,
    });
  });

  it('takes an external target with its SUPs in order', () => {
    const c = checkRunFlags({
      mp: 'http://mp01/',
      sup: ['http://sup01:8530', 'https://sup02:8531'],
      observer: 'http://127.0.0.1:8090',
    });
    expect(c.target).toEqual({
      kind: 'external',
      mp: 'http://mp01',
      sups: ['http://sup01:8530', 'https://sup02:8531'],
      dps: [],
      siteCode: 'PS1',
      observer: 'http://127.0.0.1:8090',
    });
  });

  it('parses --threshold into the metrics thresholds; flags override the profile', () => {
    const t = [
      'p95:wsus.SyncUpdates<500ms',
      'p95:*<2s',
      'errorRate<0.05',
      'maxBacklogAge<2h',
      'latenessP99<80',
    ].reduce(applyThresholdFlag, {});
    expect(t).toEqual({
      p95Ms: { 'wsus.SyncUpdates': 500, '*': 2000 },
      errorRate: 0.05,
      maxBacklogAgeMs: 7_200_000,
      latenessP99Ms: 80,
    });
    const profile = BUILTIN_PROFILES.get('patch-tuesday')!;
    const plan = planRun(profile, checkRunFlags({ clients: '150000', threshold: ['p95:dp.get<1s'] }));
    expect(plan.fleetSize).toBe(150_000);
    expect(plan.thresholds.p95Ms).toEqual({ 'wsus.SyncUpdates': 3000, 'dp.get': 1000, '*': 2000 });
    expect(plan.thresholds.maxBacklogAgeMs).toBe(4 * 3_600_000);
  });

  it('takes the connection and in-flight limits from the flags, else from the profile, else leaves the defaults', () => {
    const plain = BUILTIN_PROFILES.get('steady-state')!;
    const limited = { ...plain, generator: { connections: 8, maxInFlight: 500 } };
    const none = planRun(plain, checkRunFlags({}));
    expect([none.connections, none.maxInFlight]).toEqual([undefined, undefined]);
    const fromProfile = planRun(limited, checkRunFlags({}));
    expect([fromProfile.connections, fromProfile.maxInFlight]).toEqual([8, 500]);
    const fromFlags = planRun(limited, checkRunFlags({ connections: '1_000', maxInFlight: '20000' }));
    expect([fromFlags.connections, fromFlags.maxInFlight]).toEqual([1000, 20_000]);
    // What the workers get: the transport's sockets per origin beside the TLS trust, the runner's limit.
    expect(sendOptions(none)).toEqual({ transport: {} });
    const insecure = planRun(limited, checkRunFlags({ insecure: true, connections: '3' }));
    expect(sendOptions(insecure)).toEqual({
      transport: { insecure: true, connections: 3 },
      maxInFlight: 500,
    });
  });

  it('refuses a --duration that would cut off a profile event', () => {
    const profile = BUILTIN_PROFILES.get('new-catalog')!;
    const err = refusal(() => planRun(profile, checkRunFlags({ duration: '30m' })));
    expect(err.option).toBe('--duration');
    expect(err.message).toContain('events[0] (new-catalog)');
  });
});
