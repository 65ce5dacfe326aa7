// A Ctrl-C at any moment of `patchstorm run`'s start-up (site start, SUSDB seeding, catalog discovery,
// the hand-off to the swarm, the first seconds of load) must end the command with exit 130 and a
// summary that says so — never be swallowed by a run that then goes on to "completed", exit 0.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

const BIN = join(REPO_ROOT, 'bin/patchstorm.mjs');

const PROFILE = {
  name: 'startup-signal',
  fleet: { clients: 40, start: 'fresh', machines: [{ name: 'win11-23h2', build: 22631, weight: 1 }] },
  site: { catalog: { leafUpdates: 40 } },
  events: [{ kind: 'rollout', at: 0, over: '10m' }],
  speed: 600,
  duration: '1d',
};

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/** Starts a run, sends SIGINT `afterMs` after the first output line naming `stage`, waits for the end. */
function interruptAt(out: string, stage: string, afterMs: number, profile: string): Promise<Ended> {
  const child = spawn(
    process.execPath,
    [BIN, 'run', '--profile', profile, '--workers', '1', '--out-dir', out],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!sent && stdout.includes(stage)) {
      sent = true;
      setTimeout(() => child.kill('SIGINT'), afterMs);
    }
  });
  child.stderr.resume();
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout }));
  });
}

describe('patchstorm run: SIGINT at any point of start-up', () => {
  let dir: string;
  let profile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchstorm-startup-signal-'));
    profile = join(dir, 'profile.json');
    writeFileSync(profile, JSON.stringify(PROFILE));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Each stage is a line the command prints as it reaches it; delays after it cover the work between.
  const points: [string, number][] = [
    ['run id', 0],
    ['run id', 150],
    ['starting the embedded reference site', 400],
    ['  mp http', 0],
    ['discovering the catalog', 0],
    ['discovering the catalog', 700],
    ['catalog version', 0],
    ["running 'startup-signal'", 0],
    ["running 'startup-signal'", 300],
    ["running 'startup-signal'", 1500],
  ];
  it.each(points)(
    'SIGINT %j + %i ms: exit 130 and a summary that says interrupted',
    async (stage, afterMs) => {
      const out = join(dir, `${stage.replace(/\W+/g, '-')}-${afterMs}`);
      const ended = await interruptAt(out, stage, afterMs, profile);
      expect(ended.signal).toBeNull();
      expect(ended.code).toBe(130);
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.end).toBe('interrupted');
      expect(summary.endReason).toMatch(/^SIGINT received/);
      expect(summary.exitCode).toBe(130);
    },
  );
});
