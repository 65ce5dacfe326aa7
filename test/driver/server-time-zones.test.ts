// W-TIME under zones that are not UTC: runs server-time.test.ts in a child vitest with TZ set, once for
// America/Los_Angeles (a zone-less Expiration read as local time is 7 h late: an expired cookie would be
// reused) and once for Asia/Tokyo (9 h early: a valid cookie would be renewed). The time zone is fixed
// when a process starts, so a child process is the honest way to change it.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

const VITEST = resolve(REPO_ROOT, 'node_modules/vitest/vitest.mjs');

function vitestUnder(tz: string): Promise<{ code: number | null; output: string }> {
  // The child must not think it is a worker of this run.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  Object.assign(env, { TZ: tz, PATCHSTORM_EXPECT_NON_UTC: '1', FORCE_COLOR: '0', NO_COLOR: '1' });
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [VITEST, 'run', '--reporter=verbose', 'test/driver/server-time.test.ts'],
      {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

describe('W-TIME in two zones that are not UTC', () => {
  for (const tz of ['America/Los_Angeles', 'Asia/Tokyo']) {
    it(`server-time.test.ts passes with TZ=${tz}`, async () => {
      const { code, output } = await vitestUnder(tz);
      expect(output).toContain(`TZ=${tz}`);
      expect(output).toMatch(/Tests\s+3 passed/);
      expect(code, output).toBe(0);
    }, 120_000);
  }
});
