import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeFlags, type ServeFlags } from '../../harness/cli/serve-options.ts';
import { HttpClient } from '../../harness/driver/http.ts';
import { buildWsusRequest, parseWsusResponse, pathFor, soapActionFor } from '../../protocol/wsus/index.ts';
import { ANY_PORT_ARGS } from '../../harness/run/site-process.ts';
import { REPO_ROOT } from '../paths.ts';

const BIN = join(REPO_ROOT, 'bin/patchstorm.mjs');
const ANY_PORTS = ANY_PORT_ARGS;

function serve(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a serve that must refuse its options: exit code and stderr. */
function refused(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = serve(args);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('patchstorm serve', () => {
  let child: ChildProcess;
  let out = '';
  const lines: Record<string, string> = {};

  beforeAll(async () => {
    child = serve([...ANY_PORTS, '--manual-clock', '--catalog-size', '20', '--seed', '5']);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 20_000);
      child.stdout!.on('data', () => {
        if (out.includes('Ctrl-C to stop.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${out}`)));
    });
    for (const line of out.split('\n')) {
      const m = /^(\S+)\s+(.+)$/.exec(line);
      if (m) lines[m[1]!] = m[2]!;
    }
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints every URL and the CA file', () => {
    expect(lines['sup-http']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines['sup-https']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(lines['mp-http']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines['mp-https']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.dp).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/SMS_DP_SMSPKG\$\/$/);
    expect(lines.observer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/stats$/);
    expect(existsSync(lines['ca-file']!)).toBe(true);
    expect(lines.clock).toBe('manual');
  });

  it('answers GetConfig on both SUP ports (HTTPS verified against the printed CA), MPLIST and the observer', async () => {
    const http = new HttpClient({ caFile: lines['ca-file'], timeoutMs: 5000 });
    try {
      const body = buildWsusRequest({ operation: 'GetConfig', protocolVersion: '2.90' });
      const headers = {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: `"${soapActionFor('GetConfig')}"`,
      };
      for (const origin of [lines['sup-http']!, lines['sup-https']!]) {
        const res = await http.send('POST', origin + pathFor('GetConfig'), headers, body);
        expect(res.status).toBe(200);
        const config = parseWsusResponse('GetConfig', res.body.toString()) as {
          isRegistrationRequired: boolean;
        };
        expect(config.isRegistrationRequired).toBe(true);
      }
      const mplist = await http.send('GET', `${lines['mp-http']}/SMS_MP/.sms_aut?MPLIST`);
      expect(mplist.status).toBe(200);
      expect(mplist.body.toString()).toMatch(/<MPList>/);
      const stats = await http.send('GET', lines.observer!);
      const json = JSON.parse(stats.body.toString()) as {
        frontEnds: Record<string, { total: { requests: number } }>;
      };
      expect(json.frontEnds.sup?.total.requests).toBe(2);
    } finally {
      await http.close();
    }
  });

  it('stops cleanly on SIGTERM and removes the generated CA', async () => {
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out).toMatch(/SIGTERM: stopping\nstopped\n/);
    expect(existsSync(lines['ca-file']!)).toBe(false);
  });
});

describe('patchstorm serve refuses bad options before starting (exit 2)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchstorm-serve-test-'));
    writeFileSync(join(dir, 'faults.json'), JSON.stringify({ rules: [{ frontEnd: 'sup', resetRate: 3 }] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the option, the value and what is valid', () => {
    const cases: [ServeFlags, RegExp][] = [
      [{ supHttpPort: '70000' }, /--sup-http-port "70000": expected a TCP port .* from 0 to 65535/],
      [{ observerPort: '80.5' }, /--observer-port "80.5": expected a TCP port/],
      [{ speed: '0' }, /--speed "0": expected site seconds per wall second/],
      [{ speed: '5', manualClock: true }, /--speed "5": cannot be combined with --manual-clock/],
      [
        { violation: ['no-paging', 'be-evil'] },
        /--violation "be-evil": expected one of: cookie-never-expires, no-paging/,
      ],
      [{ cert: '/tmp/x.pem' }, /--cert "\/tmp\/x.pem": needs --key and --ca as well/],
      [
        { cert: '/nope/c.pem', key: '/nope/k.pem', ca: '/nope/ca.pem' },
        /--cert "\/nope\/c.pem": expected a readable PEM file \(ENOENT\)/,
      ],
      [
        { faults: join(dir, 'faults.json') },
        /--faults ".*faults.json": faults\.rules\[0\]\.resetRate: got 3/,
      ],
      [{ faults: join(dir, 'missing.json') }, /--faults ".*missing.json": expected a readable file/],
      [{ bind: 'not an address' }, /--bind "not an address": expected an IP address/],
      [{ catalogSize: '-3' }, /--catalog-size "-3": expected the number of leaf updates/],
      [{ siteCode: 'ps1' }, /--site-code "ps1": expected 3 upper-case letters or digits/],
      [{ supMaxInFlight: '0' }, /--sup-max-in-flight "0": expected requests in flight .* from 1 to 1000000/],
      [{ backPressure: 'many' }, /--back-pressure "many": expected waiting state messages/],
      [
        { backPressureRetryAfter: '5' },
        /--back-pressure-retry-after "5": only means something with --back-pressure/,
      ],
      [
        { backPressure: '100', backPressureRetryAfter: '0' },
        /--back-pressure-retry-after "0": expected Retry-After seconds: a whole number from 1 to 86400/,
      ],
      [{ auth: 'kerberos' }, /--auth "kerberos": expected 'simple' .* or 'anonymous'/],
      [
        { auth: 'anonymous', authServiceUrl: 'A/B.asmx' },
        /--auth-service-url "A\/B.asmx": an anonymous SUP has no authorization service/,
      ],
      [{ timeStyle: 'local' }, /--time-style "local": expected 'wsus' .*'offset' .*'plain'/],
    ];
    for (const [flags, message] of cases) {
      expect(() => parseServeFlags(flags)).toThrow(message);
    }
  });

  it('turns good flags into site options', () => {
    expect(
      parseServeFlags({
        supHttpPort: '0',
        speed: '60',
        seed: '7',
        catalogSize: '50',
        violation: ['no-paging'],
        backPressure: '5000',
        mpMaxInFlight: '200',
        auth: 'simple',
        authServiceUrl: 'PatchstormAuth/Targeting.asmx',
        timeStyle: 'plain',
      }),
    ).toMatchObject({
      supHttpPort: 0,
      clock: { mode: 'real', speed: 60 },
      catalog: { seed: 7, leafUpdates: 50 },
      violations: ['no-paging'],
      processor: { backPressure: { depth: 5000, retryAfterSeconds: 60 } },
      mpMaxInFlight: 200,
      auth: 'simple',
      authServiceUrl: 'PatchstormAuth/Targeting.asmx',
      timeStyle: 'plain',
    });
    expect(parseServeFlags({ auth: 'anonymous' })).toMatchObject({ auth: 'anonymous' });
  });

  it('takes the observer token from --observer-token, else PATCHSTORM_OBSERVER_TOKEN, and never echoes a bad one', () => {
    const saved = process.env.PATCHSTORM_OBSERVER_TOKEN;
    try {
      process.env.PATCHSTORM_OBSERVER_TOKEN = 'from-env';
      expect(parseServeFlags({}).observerToken).toBe('from-env');
      expect(parseServeFlags({ observerToken: 'from-flag' }).observerToken).toBe('from-flag');
      process.env.PATCHSTORM_OBSERVER_TOKEN = 'secret with spaces';
      expect(() => parseServeFlags({})).toThrow(/^PATCHSTORM_OBSERVER_TOKEN "<hidden>": expected 1 to 1024/);
      delete process.env.PATCHSTORM_OBSERVER_TOKEN;
      expect(parseServeFlags({}).observerToken).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.PATCHSTORM_OBSERVER_TOKEN;
      else process.env.PATCHSTORM_OBSERVER_TOKEN = saved;
    }
  });

  it('exits 2 with the message from the command line, for its own checks and for commander usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['--sup-http-port', '70000'], /--sup-http-port "70000": expected a TCP port/],
      [['--violation', 'be-evil'], /--violation "be-evil": expected one of:/],
      [['--no-such-option'], /unknown option '--no-such-option'/],
      // Readable but not PEM: refused as input (it used to fail at start-up with exit 3).
      [
        [
          '--cert',
          join(dir, 'faults.json'),
          '--key',
          join(dir, 'faults.json'),
          '--ca',
          join(dir, 'faults.json'),
        ],
        /--cert ".*faults\.json": expected a PEM file with at least one "-----BEGIN CERTIFICATE-----" block/,
      ],
      [['--observer-token', 'a b'], /--observer-token "<hidden>": expected 1 to 1024 visible ASCII/],
    ];
    const results = await Promise.all(cases.map(([args]) => refused([...ANY_PORTS, ...args])));
    results.forEach((result, i) => {
      expect(result.stderr).toMatch(cases[i]![1]);
      expect(result.code).toBe(2);
    });
  });

  it('exits 3 naming the listener when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const ports = ANY_PORTS.filter((p) => !p.startsWith('--mp-http-port'));
    const result = await refused([...ports, `--mp-http-port=${port}`, '--catalog-size=5']);
    blocker.close();
    expect(result.stderr).toMatch(
      new RegExp(`could not start: cannot listen for mpHttp on 127.0.0.1:${port}: the port is in use`),
    );
    expect(result.code).toBe(3);
  });
});
