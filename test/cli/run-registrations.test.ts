// Warm fleets against the embedded site: its SUSDB is seeded with the fleet (POST /api/registrations)
// before the run, so no client's first online scan answers RegistrationRequired. Fresh fleets are not
// seeded: they register for real.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

const BIN = join(REPO_ROOT, 'bin/patchstorm.mjs');
const MACHINES = [{ name: 'win11-23h2', build: 22631, weight: 1 }];

/** 30 warm clients, each made to scan online within the run by a forced rescan. */
const WARM = {
  name: 'tiny-warm',
  fleet: { clients: 30, start: 'warm', machines: MACHINES },
  site: { catalog: { leafUpdates: 40 } },
  events: [{ kind: 'forced-rescan', at: '10m', spread: '10m' }],
  speed: 1440,
  duration: '1h',
};

const FRESH = {
  name: 'tiny-fresh',
  fleet: { clients: 30, start: 'fresh', machines: MACHINES },
  site: { catalog: { leafUpdates: 40 } },
  events: [{ kind: 'rollout', at: 0, over: '10m' }],
  speed: 1440,
  duration: '1h',
};

// biome-ignore lint/suspicious/noExplicitAny: summary.json as written
type Json = any;

function run(profile: string, out: string): Promise<{ code: number | null; stdout: string; summary: Json }> {
  const child = spawn(process.execPath, [BIN, 'run', '--profile', profile, '--out', out, '--workers', '1'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.resume();
  return new Promise((resolve) => {
    child.on('exit', (code) =>
      resolve({ code, stdout, summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) }),
    );
  });
}

const requests = (summary: Json, name: string): number =>
  summary.operations.find((o: { name: string }) => o.name === name)?.requests ?? 0;

describe('patchstorm run: SUP registrations of warm and fresh fleets', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchstorm-run-reg-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds the embedded SUSDB with a warm fleet: no RegistrationRequired, no RegisterComputer', async () => {
    const profile = join(dir, 'warm.json');
    writeFileSync(profile, JSON.stringify(WARM));
    const { code, stdout, summary } = await run(profile, join(dir, 'warm'));
    expect(code).toBe(0);
    expect(stdout).toContain('SUSDB seeded with 30 warm clients');
    expect(stdout).toContain('the embedded SUSDB was seeded with 30 clients');
    expect(summary.run.target.susdbSeededClients).toBe(30);
    expect(requests(summary, 'wsus.SyncUpdates')).toBeGreaterThanOrEqual(30);
    expect(summary.errorsByKind['soap:RegistrationRequired'] ?? 0).toBe(0);
    expect(requests(summary, 'wsus.RegisterComputer')).toBe(0);
  });

  it('does not seed a fresh fleet: it registers for real', async () => {
    const profile = join(dir, 'fresh.json');
    writeFileSync(profile, JSON.stringify(FRESH));
    const { code, stdout, summary } = await run(profile, join(dir, 'fresh'));
    expect(code).toBe(0);
    expect(stdout).not.toContain('SUSDB seeded');
    expect(summary.run.target.susdbSeededClients).toBeUndefined();
    expect(requests(summary, 'wsus.RegisterComputer')).toBeGreaterThan(0);
  });
});
