// `patchstorm bench` against a reference site started by hand (`patchstorm serve` in a child process),
// as an administrator runs it against a SUP/MP of theirs: real conversation first, autocannon after.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANY_PORT_ARGS } from '../../harness/run/site-process.ts';
import { REPO_ROOT } from '../paths.ts';

const BIN = join(REPO_ROOT, 'bin/patchstorm.mjs');

function patchstorm(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return {
    child,
    done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))),
  };
}

/** Starts `patchstorm serve` and reads the URLs it prints. */
async function serve(extra: string[]): Promise<{ child: ChildProcess; url: (label: string) => string }> {
  const { child } = patchstorm(['serve', ...ANY_PORT_ARGS, '--catalog-size', '60', ...extra]);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    child,
    url: (label) => new RegExp(`^${label}\\s+(\\S+)`, 'm').exec(out)![1]!,
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('patchstorm bench against a site started by hand', () => {
  let site: Awaited<ReturnType<typeof serve>>;
  let dir: string;
  beforeAll(async () => {
    site = await serve([]);
    dir = mkdtempSync(join(tmpdir(), 'patchstorm-bench-'));
  });
  afterAll(async () => {
    await stop(site.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('measures GetConfig, a warm SyncUpdates, a cold first page, a state-message post and a DP range with no errors', async () => {
    const json = join(dir, 'bench.json');
    const { code, stdout, stderr } = await patchstorm([
      'bench',
      '--sup',
      site.url('sup-http'),
      '--mp',
      site.url('mp-http'),
      '--op',
      'GetConfig',
      '--op',
      'SyncUpdates-warm',
      '--op',
      'SyncUpdates-cold',
      '--op',
      'StatePost',
      '--op',
      'DpRange',
      '--range-bytes',
      '1024',
      '--connections',
      '4',
      '--duration',
      '1s',
      '--json',
      json,
    ]).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('SyncUpdates (warm)');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.schema).toBe('patchstorm.bench/1');
    expect(report.results.map((r: { op: string }) => r.op)).toEqual([
      'GetConfig',
      'SyncUpdates-warm',
      'SyncUpdates-cold',
      'StatePost',
      'DpRange',
    ]);
    for (const r of report.results) {
      expect(r.requests, r.op).toBeGreaterThan(0);
      expect(r.errors, `${r.op}: ${JSON.stringify(r.errorsByKind)}`).toBe(0);
    }
  });

  it('refuses bad options before sending anything (exit 2), and a target that cannot be prepared is exit 3', async () => {
    const cases: [string[], string][] = [
      [['--op', 'GetConfg', '--sup', 'http://127.0.0.1:1'], '--op "GetConfg": expected one of GetConfig'],
      [['--op', 'StatePost', '--sup', site.url('sup-http')], 'needs --mp'],
      [['--op', 'GetConfig', '--sup', 'sup01:8530'], '--sup "sup01:8530"'],
      [['--op', 'GetConfig', '--sup', site.url('sup-http'), '--connections', '0'], '--connections "0"'],
      [
        ['--op', 'GetConfig', '--sup', site.url('sup-http'), '--ca', '/etc/hostname'],
        'expected a PEM file with at least one',
      ],
      [
        ['--op', 'GetConfig', '--sup', site.url('sup-http'), '--json', '/etc/hostname/x.json'],
        'cannot write',
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await patchstorm(['bench', ...args]).done;
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain(message);
    }
    const { code, stderr } = await patchstorm([
      'bench',
      '--op',
      'SyncUpdates-warm',
      '--sup',
      'http://127.0.0.1:1',
    ]).done;
    expect(code).toBe(3);
    expect(stderr).toContain('SyncUpdates-warm: the target could not be prepared');
  });
});

describe('patchstorm bench on Ctrl-C', () => {
  it('stops the load at once, still prints and writes what it measured, exit 130', async () => {
    const site = await serve([]);
    const dir = mkdtempSync(join(tmpdir(), 'patchstorm-bench-int-'));
    try {
      const json = join(dir, 'int.json');
      const started = Date.now();
      const run = patchstorm([
        'bench',
        '--sup',
        site.url('sup-http'),
        '--op',
        'GetConfig',
        '--op',
        'SyncUpdates-warm',
        '--duration',
        '60s',
        '--connections',
        '2',
        '--json',
        json,
      ]);
      let stdout = '';
      run.child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('GetConfig: 2 connections'))
          setTimeout(() => run.child.kill('SIGINT'), 1500).unref();
      });
      const { code } = await run.done;
      expect(code).toBe(130);
      expect(Date.now() - started).toBeLessThan(30_000);
      const report = JSON.parse(readFileSync(json, 'utf8'));
      expect(report.interrupted).toBe(true);
      expect(report.results.map((r: { op: string }) => r.op)).toEqual(['GetConfig']);
      expect(report.results[0].requests).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await stop(site.child);
    }
  });
});

describe('patchstorm bench renews an expired cookie as a client would', () => {
  it('against a site whose 60-minute cookies last a wall second (clock ×3600): renewals, and faults counted by kind', async () => {
    const fast = await serve(['--speed', '3600']);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'patchstorm-bench-renew-'));
      const json = join(dir, 'renew.json');
      const { code } = await patchstorm([
        'bench',
        '--sup',
        fast.url('sup-http'),
        '--op',
        'SyncUpdates-warm',
        '--connections',
        '2',
        '--duration',
        '4s',
        '--json',
        json,
      ]).done;
      expect(code).toBe(0);
      const [r] = JSON.parse(readFileSync(json, 'utf8')).results;
      rmSync(dir, { recursive: true, force: true });
      expect(r.renewals).toBeGreaterThanOrEqual(1);
      // Whatever was answered while the cookie was stale is counted under its WSUS code, nothing else.
      for (const kind of Object.keys(r.errorsByKind))
        expect(kind).toMatch(/^soap:(CookieExpired|InvalidCookie)$/);
      expect(r.requests).toBeGreaterThan(r.errors);
    } finally {
      await stop(fast.child);
    }
  });
});
