// Every command runs to its end and the process exits by itself with the expected code: no signal
// handler, timer, socket or child process may outlive the command (issue 11 §4). Each case spawns the
// real `patchstorm` binary; a process still alive at the (generous) bound is killed and the case fails
// as "did not exit".
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANY_PORT_ARGS } from '../../harness/run/site-process.ts';
import { REPO_ROOT } from '../paths.ts';

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the process was still alive at the bound and had to be killed. */
  hung: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `patchstorm ...args` until it exits or `boundMs` passes. `whenOut` is called on each stdout chunk
 * with the output so far and the child, for commands that wait for a signal (serve).
 */
function patchstorm(
  args: string[],
  boundMs: number,
  whenOut?: (out: string, signal: (s: NodeJS.Signals) => void) => void,
): Promise<Ended> {
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/patchstorm.mjs', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    stdout += d;
    whenOut?.(stdout, (s) => child.kill(s));
  });
  child.stderr.on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve) => {
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, boundMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The case's own evidence in the failure message: how it ended and the tail of what it said. */
function story(e: Ended): string {
  return `code ${e.code} signal ${e.signal} hung ${e.hung} after ${e.ms} ms\n--- stdout\n${e.stdout.slice(-1500)}\n--- stderr\n${e.stderr.slice(-1500)}`;
}

describe('every patchstorm command exits by itself', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchstorm-exits-'));
    writeFileSync(join(dir, 'not.pem'), 'not a certificate\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run: a short steady-state against the embedded site completes and exits 0', async () => {
    const e = await patchstorm(
      [
        'run',
        '--profile',
        'steady-state',
        '--clients',
        '50',
        '--duration',
        '2m',
        '--speed',
        '120',
        '--out',
        join(dir, 'run'),
      ],
      150_000,
    );
    expect(e.hung, story(e)).toBe(false);
    // Completed: 0, or 1 when the profile's latency/lateness thresholds are breached on a loaded machine
    // (this test is about the process ending by itself, not about the figures).
    expect([0, 1], story(e)).toContain(e.code);
    expect(e.stdout).toContain("patchstorm run 'steady-state': completed");
    expect(e.stdout).toContain('json: written to');
  }, 160_000);

  it('run: SIGTERM mid-run writes the summary and exits 130 by itself', async () => {
    let sent = false;
    const e = await patchstorm(
      [
        'run',
        '--profile',
        'steady-state',
        '--clients',
        '50',
        '--duration',
        '2h',
        '--speed',
        '60',
        '--out',
        join(dir, 'run-interrupted'),
      ],
      150_000,
      (out, signal) => {
        // After the first progress line: the swarm is running.
        if (!sent && /^\[\s*\d+%\]/m.test(out)) {
          sent = true;
          signal('SIGTERM');
        }
      },
    );
    expect(sent, story(e)).toBe(true);
    expect(e.hung, story(e)).toBe(false);
    expect(e.code, story(e)).toBe(130);
    expect(e.stdout).toContain('json: written to');
  }, 160_000);

  it('conformance: the whole suite against the embedded site exits 0 and writes its JUnit', async () => {
    const e = await patchstorm(['conformance', '--junit', join(dir, 'conformance.xml')], 120_000);
    expect(e.hung, story(e)).toBe(false);
    expect(e.code, story(e)).toBe(0);
    expect(e.stdout).toMatch(/checks: \d+ passed, 0 failed/);
  }, 130_000);

  it('serve: exits 0 after SIGTERM once it has printed its URLs', async () => {
    let sent = false;
    const e = await patchstorm(['serve', ...ANY_PORT_ARGS, '--catalog-size=20'], 60_000, (out, signal) => {
      if (!sent && out.includes('Ctrl-C to stop.')) {
        sent = true;
        signal('SIGTERM');
      }
    });
    expect(sent, story(e)).toBe(true);
    expect(e.hung, story(e)).toBe(false);
    expect(e.code, story(e)).toBe(0);
    expect(e.stdout).toContain('stopped');
  }, 70_000);

  it('--help of every command exits 0', async () => {
    const ends = await Promise.all(
      [
        ['--help'],
        ['run', '--help'],
        ['serve', '--help'],
        ['conformance', '--help'],
        ['conformance', '--list'],
      ].map((args) => patchstorm(args, 60_000)),
    );
    for (const e of ends) {
      expect(e.hung, story(e)).toBe(false);
      expect(e.code, story(e)).toBe(0);
    }
  }, 70_000);

  it('bad options exit 2 naming the option, before anything starts', async () => {
    const notPem = join(dir, 'not.pem');
    const cases: [string[], RegExp][] = [
      [['run', '--clients', '0'], /--clients "0"/],
      [['run', '--profile', 'steady-state', '--ca', notPem], /--ca ".*not\.pem": expected a PEM file/],
      [
        ['run', '--mp', 'http://127.0.0.1:1', '--sup', 'http://127.0.0.1:1', '--ca', notPem],
        /--ca ".*not\.pem": expected a PEM file/,
      ],
      [
        ['serve', '--cert', notPem, '--key', notPem, '--ca', notPem],
        /--cert ".*not\.pem": expected a PEM file/,
      ],
      [
        ['conformance', '--ca', notPem, '--sup', 'http://127.0.0.1:1'],
        /--ca ".*not\.pem": expected a PEM file/,
      ],
      [['conformance', '--junit', dir], /--junit ".*": expected a file path, not a folder/],
      [['conformance', '--frobnicate'], /unknown option '--frobnicate'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    const ends = await Promise.all(cases.map(([args]) => patchstorm(args, 60_000)));
    ends.forEach((e, i) => {
      expect(e.hung, story(e)).toBe(false);
      expect(e.code, story(e)).toBe(2);
      expect(e.stderr, story(e)).toMatch(cases[i]![1]);
    });
  }, 70_000);
});
