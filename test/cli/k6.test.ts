// `patchstorm k6`: the real binary writes the script, its README and a k6-operator TestRun for the
// patch-tuesday profile (discovering the catalog on an embedded reference site it starts and stops);
// bad options exit 2 naming the option.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'acorn';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'patchstorm-k6-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function patchstorm(args: string[], timeout = 90_000) {
  return spawnSync(process.execPath, [join(REPO_ROOT, 'bin/patchstorm.mjs'), ...args], {
    encoding: 'utf8',
    timeout,
  });
}

describe('patchstorm k6', () => {
  it('writes patchstorm.js, README.md and testrun.yaml for patch-tuesday with 1000 clients', () => {
    const out = join(dir, 'k6');
    const r = patchstorm([
      'k6',
      '--profile',
      'patch-tuesday',
      '--clients',
      '1000',
      '--vus',
      '4',
      '--parallelism',
      '2',
      '--out',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote .*patchstorm\.js/);
    const script = readFileSync(join(out, 'patchstorm.js'), 'utf8');
    expect(() => parse(script, { ecmaVersion: 2017, sourceType: 'module' })).not.toThrow();
    expect(script.split('\n')[0]).toContain("profile 'patch-tuesday', 1000 clients, 4 VUs");
    expect(script).toMatch(/fleetSize: 1e3,/);
    // The discovered catalog is in it: updates with their revision ids.
    expect(script).toMatch(/updates: \[\{ revisionId: \d+/);
    const yaml = readFileSync(join(out, 'testrun.yaml'), 'utf8');
    expect(yaml).toMatch(/kind: TestRun/);
    expect(yaml).toMatch(/parallelism: 2/);
    expect(yaml).toMatch(/configMap:\n\s+name: patchstorm-script\n\s+file: patchstorm.js/);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toMatch(/k6 run -e PATCHSTORM_MP=/);
    expect(readme).toMatch(/--execution-segment 1\/4:1\/2/);
    expect(readme).toMatch(/patchstorm_latency/);
    console.log(`patch-tuesday, 1000 clients: ${(script.length / 1024).toFixed(0)} KiB script`);
  }, 120_000);

  it('exits 2 naming a bad option', () => {
    for (const [args, option] of [
      [['--clients', '0'], '--clients'],
      [['--vus', 'many'], '--vus'],
      [['--clients', '10', '--vus', '11'], '--vus'],
      [['--parallelism', '0'], '--parallelism'],
      [['--sup', 'http://sup:8530'], '--sup'],
      [['--speed', '-1'], '--speed'],
    ] as const) {
      const r = patchstorm(['k6', '--out', join(dir, 'bad'), ...args], 30_000);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(option);
    }
    const noOut = patchstorm(['k6'], 30_000);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toContain('--out');
  }, 120_000);
});
