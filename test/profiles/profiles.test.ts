import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_PROFILES,
  defineProfile,
  type ProfileInput,
  ProfileError,
  parseDuration,
  resolveProfile,
} from '../../profiles/index.ts';
import { REPO_ROOT } from '../paths.ts';

const base: ProfileInput = { name: 'test', fleet: { clients: 100 }, speed: 60, duration: '2h' };

function problems(input: unknown) {
  try {
    defineProfile(input as ProfileInput);
  } catch (err) {
    expect(err).toBeInstanceOf(ProfileError);
    return (err as ProfileError).problems;
  }
  throw new Error('expected the profile to be rejected');
}

describe('durations', () => {
  it('reads unit strings and combinations, rejects the rest', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    for (const bad of ['', '60', '60x', 'h', '1h 30m', '-5m']) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe('defineProfile', () => {
  it('fills defaults and turns every duration into ms', () => {
    const p = defineProfile({
      ...base,
      timers: { policyPollMs: '30m', stateMessageCycleMs: 300_000, scanRetriesPerSup: 2 },
      events: [{ kind: 'patch-tuesday', at: '1h', deadlineAfter: '1d' }],
      thresholds: { maxBacklogAge: '30m' },
    });
    expect(p.duration).toBe(7_200_000);
    expect(p.timers).toEqual({ policyPollMs: 1_800_000, stateMessageCycleMs: 300_000, scanRetriesPerSup: 2 });
    expect(p.events[0]).toEqual({
      kind: 'patch-tuesday',
      at: 3_600_000,
      updates: 10,
      required: true,
      deadlineAfter: 86_400_000,
    });
    expect(p.fleet).toMatchObject({ seed: 1, start: 'warm', variant: 'current' });
    expect(p.site.supNodes).toBe(1);
    expect(p.thresholds.maxBacklogAge).toBe(1_800_000);
    // Idempotent: a defined profile is itself valid input.
    expect(defineProfile(p)).toEqual(p);
  });

  it('names path, value and what is valid for each problem', () => {
    const found = problems({
      ...base,
      fleet: { clients: 250_000, start: 'hot' },
      timers: { policyPollMs: '60x', scanTtlMs: 0, pollEvery: '1h' },
      speed: 0,
    });
    expect(found).toEqual([
      { path: 'fleet.clients', value: 250_000, expected: 'expected <= 100000' },
      { path: 'fleet.start', value: 'hot', expected: 'expected one of "fresh", "warm"' },
      {
        path: 'timers.policyPollMs',
        value: '60x',
        expected: "expected a duration like '90s', '15m', '2h', '7d', '1h30m' or a number of ms (>= 0)",
      },
      { path: 'timers.scanTtlMs', value: 0, expected: 'expected a duration > 0' },
      expect.objectContaining({ path: 'timers.pollEvery', value: '1h' }),
      { path: 'speed', value: 0, expected: 'expected > 0' },
    ]);
    expect(found[4]!.expected).toMatch(
      /^unknown field; valid fields here: policyPollMs, .*scanRetriesPerSup$/,
    );
  });

  it('takes optional per-worker connection and in-flight limits, within their ranges', () => {
    expect(defineProfile(base).generator).toEqual({});
    expect(defineProfile({ ...base, generator: { connections: 8, maxInFlight: 500 } }).generator).toEqual({
      connections: 8,
      maxInFlight: 500,
    });
    expect(problems({ ...base, generator: { connections: 0, maxInFlight: 2_000_000, sockets: 3 } })).toEqual([
      { path: 'generator.connections', value: 0, expected: 'expected >= 1' },
      { path: 'generator.maxInFlight', value: 2_000_000, expected: 'expected <= 1000000' },
      {
        path: 'generator.sockets',
        value: 3,
        expected: 'unknown field; valid fields here: connections, maxInFlight',
      },
    ]);
  });

  it('says which event kinds exist and checks events against the run and the site', () => {
    expect(problems({ ...base, events: [{ kind: 'meteor', at: 0 }] })).toEqual([
      {
        path: 'events[0].kind',
        value: 'meteor',
        expected:
          "expected an event with kind 'rollout', 'new-catalog', 'patch-tuesday', 'sup-failure' or 'forced-rescan'",
      },
    ]);
    expect(
      problems({
        ...base,
        site: { supNodes: 2 },
        events: [
          { kind: 'new-catalog', at: '3h' },
          { kind: 'sup-failure', at: '1h', node: 2 },
        ],
      }),
    ).toEqual([
      { path: 'events[0].at', value: '3h', expected: "expected a time within the run's duration (2h)" },
      { path: 'events[1].node', value: 2, expected: 'expected a SUP node index below site.supNodes (2)' },
    ]);
  });

  it('reports missing required fields as missing', () => {
    const found = problems({ name: 'x', speed: 1 });
    expect(found).toContainEqual({ path: 'fleet', value: undefined, expected: 'required: expected object' });
    expect(found).toContainEqual({
      path: 'duration',
      value: undefined,
      expected: expect.stringMatching(/duration/),
    });
    expect(new ProfileError("'x'", found).message).toMatch(
      /^invalid profile 'x':\n {2}fleet = \(missing\): required/,
    );
  });
});

describe('built-in profiles', () => {
  it('has the six workloads of behaviour.md §7, each valid', () => {
    expect([...BUILTIN_PROFILES.keys()]).toEqual([
      'steady-state',
      'initial-rollout',
      'new-catalog',
      'patch-tuesday',
      'sup-failover',
      'forced-rescan',
    ]);
    for (const p of BUILTIN_PROFILES.values()) expect(defineProfile(p)).toEqual(p);
    expect(BUILTIN_PROFILES.get('sup-failover')!.fleet.clients).toBe(100_000);
    expect(BUILTIN_PROFILES.get('initial-rollout')!.fleet.start).toBe('fresh');
  });
});

describe('profile files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchstorm-profiles-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads built-ins by name, JSON files, and TypeScript modules (one or several profiles)', async () => {
    expect((await resolveProfile('new-catalog')).name).toBe('new-catalog');
    const json = join(dir, 'mine.json');
    await writeFile(json, JSON.stringify({ ...base, name: 'from-json' }));
    expect((await resolveProfile(json)).name).toBe('from-json');
    const ts = join(dir, 'several.ts');
    const defineUrl = new URL('../../profiles/define.ts', import.meta.url).href;
    await writeFile(
      ts,
      `import { defineProfile } from '${defineUrl}';\n` +
        `export default [defineProfile(${JSON.stringify({ ...base, name: 'one' })}), ${JSON.stringify({ ...base, name: 'two' })}];\n`,
    );
    expect((await resolveProfile(ts, 'two')).name).toBe('two');
    await expect(resolveProfile(ts)).rejects.toThrow(/defines 2 profiles \(one, two\): pick one by name/);
  });

  it('loads .ts/.mts/.js profiles from a folder with no package.json, as the CLI does (tsx loader)', async () => {
    // Its own temp dir: no "type": "module" package.json anywhere above it.
    const bare = await mkdtemp(join(tmpdir(), 'patchstorm-bare-profile-'));
    try {
      const defineUrl = new URL('../../profiles/define.ts', import.meta.url).href;
      const files = {
        'plain.ts':
          `import { defineProfile } from '${defineUrl}';\n` +
          `const clients: number = 10;\n` +
          `export default defineProfile({ ...${JSON.stringify(base)}, name: 'bare-ts', fleet: { clients } });\n`,
        'named.ts':
          `import type { ProfileInput } from '${new URL('../../profiles/schema.ts', import.meta.url).href}';\n` +
          `export const profile: ProfileInput = ${JSON.stringify({ ...base, name: 'bare-named' })};\n`,
        'module.mts': `export default ${JSON.stringify({ ...base, name: 'bare-mts' })};\n`,
        'esm.js': `export default ${JSON.stringify({ ...base, name: 'bare-esm-js' })};\n`,
        'cjs.js': `module.exports = ${JSON.stringify({ ...base, name: 'bare-cjs-js' })};\n`,
        'plain.json': JSON.stringify({ ...base, name: 'bare-json' }),
      };
      for (const [name, text] of Object.entries(files)) await writeFile(join(bare, name), text);
      const paths = Object.keys(files).map((f) => join(bare, f));
      const expected = ['bare-ts', 'bare-named', 'bare-mts', 'bare-esm-js', 'bare-cjs-js', 'bare-json'];
      // In this process (vitest's module runner)...
      const here = [];
      for (const p of paths) here.push((await resolveProfile(p)).name);
      expect(here).toEqual(expected);
      // ...and in a plain node process with tsx's loader registered, exactly like bin/patchstorm.mjs.
      const script =
        "import { register } from 'tsx/esm/api';\nregister();\n" +
        `const { resolveProfile } = await import(${JSON.stringify(join(REPO_ROOT, 'profiles/index.ts'))});\n` +
        `const names = [];\nfor (const p of ${JSON.stringify(paths)}) names.push((await resolveProfile(p)).name);\n` +
        'console.log(JSON.stringify(names));\n';
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: REPO_ROOT,
      });
      expect(JSON.parse(stdout)).toEqual(expected);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('names the file and problem when a file is invalid or unknown', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...base, name: 'bad', speed: 'fast' }));
    await expect(resolveProfile(bad)).rejects.toThrow(
      /invalid profile 'bad':\n {2}speed = "fast": expected number/,
    );
    await expect(resolveProfile(join(dir, 'broken.json'))).rejects.toThrow(
      /cannot load profile file .*broken\.json/,
    );
    await expect(resolveProfile('patch-wednesday')).rejects.toThrow(
      /unknown profile 'patch-wednesday': expected a built-in name \(steady-state/,
    );
  });
});
