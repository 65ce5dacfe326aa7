// `patchstorm run` end to end: the real command in a child process, its embedded site in grandchild
// processes, a tiny fleet for a few wall seconds.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

const BIN = join(REPO_ROOT, 'bin/patchstorm.mjs');

/** Fresh clients register, poll, cold-scan a small catalog and report state: every MP/SUP path in ~5 s. */
const TINY_PROFILE = {
  name: 'tiny-rollout',
  fleet: {
    clients: 30,
    start: 'fresh',
    machines: [{ name: 'win11-23h2', build: 22631, weight: 1 }],
  },
  site: { catalog: { leafUpdates: 40 } },
  events: [{ kind: 'rollout', at: 0, over: '10m' }],
  speed: 1440,
  duration: '2h',
};

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, 'run', ...args], {
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
  const done = new Promise<Finished>((resolve) => {
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await request(url, { headersTimeout: 2000 });
    await res.body.dump();
    return true;
  } catch {
    return false;
  }
}

describe('patchstorm run', () => {
  let dir: string;
  let jsonProfile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchstorm-run-cli-'));
    jsonProfile = join(dir, 'tiny.json');
    writeFileSync(jsonProfile, JSON.stringify(TINY_PROFILE));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a .json profile against the embedded site: policy, WSUS and state-message requests, exit 0', async () => {
    const out = join(dir, 'ok');
    const { code, stdout, stderr } = await run([
      '--profile',
      jsonProfile,
      '--out-dir',
      out,
      '--workers',
      '1',
      '--connections',
      '4',
      '--max-in-flight',
      '2000',
    ]).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^run id tiny-rollout-\S+ \(outputs: progress, json, timeline, summary;/m);
    expect(stdout).toContain(`json: written to ${resolve(out, 'summary.json')}`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    // The timeline: a start, every interval (the final one after the drain too), the events, an end.
    const timeline = readFileSync(join(out, 'timeline.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(timeline[0]).toMatchObject({ type: 'start', meta: { profile: 'tiny-rollout', fleetSize: 30 } });
    expect(timeline.at(-1)).toMatchObject({ type: 'end', summary: { end: 'completed' } });
    const intervals = timeline.filter((l) => l.type === 'interval');
    const requestsInIntervals = intervals.reduce((n, l) => n + l.stats.requests, 0);
    expect(requestsInIntervals).toBe(summary.totals.requests);
    expect(timeline.filter((l) => l.type === 'event').map((l) => l.event.kind)).toEqual([
      'rollout',
      'run-ended',
    ]);
    // summary.json reports the outputs that ended before it was written (the terminal summary reports it).
    expect(summary.outputs.map((o: { name: string }) => o.name)).toEqual(['progress', 'timeline']);
    expect(summary.end).toBe('completed');
    expect(summary.exitCode).toBe(0);
    const requests = (name: string) =>
      summary.operations.find((o: { name: string }) => o.name === name)?.requests ?? 0;
    expect(requests('mp.registration')).toBe(30);
    expect(requests('mp.policy.assignments')).toBeGreaterThanOrEqual(30);
    expect(requests('wsus.SyncUpdates')).toBeGreaterThanOrEqual(30);
    expect(requests('mp.statemsg')).toBeGreaterThan(0);
    expect(summary.run.target.kind).toBe('embedded');
    expect(summary.run.harness).toMatchObject({ connectionsPerOrigin: 4, maxInFlight: 2000 });
    expect(summary.run.siteEvents).toEqual([
      expect.objectContaining({ kind: 'rollout', status: 'fleet-side' }),
    ]);
    // The site was stopped with the run.
    expect(await reachable(`${summary.run.target.observer}/api/clock`)).toBe(false);
  });

  it('exits 1 naming the breached threshold (.ts profile)', async () => {
    // No "type": "module" package.json beside it: profiles load through tsx's own import.
    const tsProfile = join(dir, 'tiny.ts');
    writeFileSync(
      tsProfile,
      `import { defineProfile } from ${JSON.stringify(join(REPO_ROOT, 'profiles/index.ts'))};\n` +
        `export default defineProfile(${JSON.stringify({ ...TINY_PROFILE, name: 'tiny-ts', duration: '1h' })});\n`,
    );
    const out = join(dir, 'breach');
    // The old form `--out DIR` still works, with a note on stderr.
    const { code, stdout, stderr } = await run([
      '--profile',
      tsProfile,
      '--out',
      out,
      '--workers',
      '1',
      '--threshold',
      'p95:mp.registration<0.001ms',
    ]).done;
    expect(code).toBe(1);
    expect(stderr).toContain(`--out ${out}: a bare folder is deprecated, use --out-dir`);
    expect(stdout).toContain('mp.registration');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.profile).toBe('tiny-ts');
    expect(summary.thresholds).toContainEqual(
      expect.objectContaining({ name: 'p95Ms[mp.registration]', breached: true }),
    );
  });

  it.each([
    [['--clients', '0'], '--clients "0"'],
    [['--speed', '-3'], '--speed "-3"'],
    [['--connections', '0'], '--connections "0": expected sockets per target origin and worker thread'],
    [['--max-in-flight', 'all'], '--max-in-flight "all": expected requests in flight per worker thread'],
    [['--ca', '/etc/hostname', '--insecure'], '--insecure'],
    [['--profile', 'no-such-profile'], "unknown profile 'no-such-profile'"],
  ])('refuses %j with exit 2 before anything starts', async (args, message) => {
    const { code, stdout, stderr } = await run(args).done;
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).not.toContain('starting the embedded reference site');
  });

  it('refuses an invalid profile file naming the field, the value and what is valid', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...TINY_PROFILE, speed: 0, fleet: { clients: 'many' } }));
    const { code, stdout, stderr } = await run(['--profile', bad]).done;
    expect(code).toBe(2);
    expect(stderr).toContain('fleet.clients = "many": expected number');
    expect(stderr).toContain('speed = 0: expected > 0');
    expect(stdout).not.toContain('starting the embedded reference site');
  });

  it('against an external target: warns that server timers run in real time; an unreachable target is a run that could not happen (exit 3)', async () => {
    const out = join(dir, 'unreachable');
    const { code, stdout } = await run([
      '--profile',
      jsonProfile,
      '--mp',
      'http://127.0.0.1:1',
      '--sup',
      'http://127.0.0.1:1',
      '--out-dir',
      out,
    ]).done;
    expect(stdout).toContain('warning: the clients run 1440x faster than real time');
    expect(stdout).toContain('cookie lifetime');
    expect(stdout).not.toContain('starting the embedded reference site');
    expect(stdout).toContain(
      'the run could not happen: catalog discovery (a cold scan against the SUP http://127.0.0.1:1, policy from the MP http://127.0.0.1:1) failed',
    );
    expect(code).toBe(3);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ end: 'aborted', exitCode: 3, totals: { requests: 0 } });
    expect(summary.endReason).toContain('catalog discovery');
  });

  it('refuses a folder it cannot write before anything starts (exit 2)', async () => {
    const notAFolder = join(dir, 'a-file');
    writeFileSync(notAFolder, 'x');
    const { code, stdout, stderr } = await run([
      '--profile',
      jsonProfile,
      '--out-dir',
      join(notAFolder, 'sub'),
    ]).done;
    expect(code).toBe(2);
    expect(stderr).toContain(
      `the run's folder: cannot write ${join(notAFolder, 'sub', 'summary.json')} (ENOTDIR)`,
    );
    expect(stdout).not.toContain('starting the embedded reference site');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s mid-run writes the summary, stops the site and exits 130',
    async (signal) => {
      const out = join(dir, `interrupted-${signal}`);
      const { child, done } = run([
        '--profile',
        jsonProfile,
        '--duration',
        '1d',
        '--speed',
        '60',
        '--out-dir',
        out,
      ]);
      let stdout = '';
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (stdout.includes("running 'tiny-rollout'")) {
            clearInterval(check);
            resolve();
          }
        }, 50);
      });
      const observer = /observer (\S+)\/api\/stats/.exec(stdout)![1]!;
      expect(await reachable(`${observer}/api/clock`)).toBe(true);
      // The embedded site's observer has a token of this run: nobody else can steer the run's site.
      const stranger = await request(`${observer}/api/clock`, { headersTimeout: 2000 });
      await stranger.body.dump();
      expect(stranger.statusCode).toBe(401);
      await new Promise((r) => setTimeout(r, 1500));
      child.kill(signal);
      const { code } = await done;
      expect(code).toBe(130);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.end).toBe('interrupted');
      expect(summary.endReason).toBe(`${signal} received`);
      expect(summary.exitCode).toBe(130);
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
      expect(await reachable(`${observer}/api/clock`)).toBe(false);
    },
  );
});
