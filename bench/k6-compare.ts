// `npm run k6:compare -- --clients 1000 --duration 2h --speed 60`: the issue's done-when comparison.
//   1. `patchstorm k6 --profile P --clients N … --out dist/k6` builds the bundle (the CLI, end to end);
//   2. the bundle runs through the k6-API ADAPTER (test/support/k6-adapter.ts: not k6) against an embedded
//      reference site prepared as `patchstorm run` prepares its own (same seed and catalog, warm clients
//      seeded in the SUSDB, the run's virtual start = the frozen site time, site clocks started with the
//      VUs, the profile's site events played on the virtual clock);
//   3. `patchstorm run` with the same profile, seed, clients, speed and duration (the swarm);
// then prints requests per operation for both and the difference. The runs go one after the other, so
// they do not share the machine's cores. Not a test: it reports; exit 1 when an operation differs > 5 %.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ScaledClock } from '../harness/engine/clock.ts';
import { startEmbeddedSite } from '../harness/run/embedded-site.ts';
import { frozenSiteTime, startSiteClocks } from '../harness/run/site-clock.ts';
import { SiteEventScheduler } from '../harness/run/site-events.ts';
import { seedSusRegistrations, startsRegistered } from '../harness/run/seed-registrations.ts';
import { resolveProfile } from '../profiles/index.ts';
import { runK6Script } from '../test/support/k6-adapter.ts';

const { values: a } = parseArgs({
  options: {
    profile: { type: 'string', default: 'patch-tuesday' },
    clients: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '2h' },
    speed: { type: 'string', default: '60' },
    seed: { type: 'string' },
    vus: { type: 'string' },
    out: { type: 'string', default: 'dist/k6' },
  },
});

const REPO = join(import.meta.dirname, '..');

function patchstorm(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/patchstorm.mjs', ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (b: Buffer) => {
      output += b.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const profile = await resolveProfile(a.profile!);
const seed = Number(a.seed ?? profile.fleet.seed);
const common = [
  '--profile',
  a.profile!,
  '--clients',
  a.clients!,
  '--duration',
  a.duration!,
  '--speed',
  a.speed!,
  '--seed',
  String(seed),
];

// 1. The bundle.
let t = Date.now();
const built = await patchstorm(['k6', ...common, ...(a.vus ? ['--vus', a.vus] : []), '--out', a.out!]);
if (built.code !== 0) throw new Error(`patchstorm k6 exited ${built.code}:\n${built.output}`);
const script = await readFile(join(REPO, a.out!, 'patchstorm.js'), 'utf8');
const vus = Number(/(\d+) VUs\./.exec(script.slice(0, 400))?.[1] ?? a.vus ?? 1);
console.log(
  `built ${a.out}/patchstorm.js (${(script.length / 1024).toFixed(0)} KiB, ${vus} VUs) in ${((Date.now() - t) / 1000).toFixed(0)} s`,
);

// 2. The adapter run against an embedded site prepared as `patchstorm run` prepares its own.
const site = await startEmbeddedSite(profile, seed);
const viaK6: Record<string, number> = {};
let k6Wall = 0;
try {
  if (startsRegistered(profile)) await seedSusRegistrations(site.observers, seed, Number(a.clients));
  const virtualStart = await frozenSiteTime(site.observers);
  const scheduler = new SiteEventScheduler(profile.events, { observers: site.observers });
  t = Date.now();
  const run = await runK6Script({
    script,
    env: {
      PATCHSTORM_MP: site.mp,
      PATCHSTORM_SUP: site.sups.join(','),
      PATCHSTORM_SITE_CODE: site.siteCode,
      PATCHSTORM_START: String(virtualStart),
    },
    instances: [
      {
        segment: '0:1',
        sequence: '0,1',
        vuIds: Array.from({ length: vus }, (_, i) => i + 1),
      },
    ],
    onStart: async (data) => {
      // The VUs' clock: virtualStart at setup()'s wall time; the site's clocks and events follow it.
      const { wallStart } = data as { wallStart: number };
      const clock = new ScaledClock({ speed: Number(a.speed), virtualStart, wallStart });
      await startSiteClocks(site.observers, clock);
      scheduler.start(clock, virtualStart);
    },
  });
  k6Wall = Date.now() - t;
  const events = await scheduler.stop();
  console.log(`site events: ${events.map((e) => `${e.kind} at ${e.at}: ${e.status}`).join('; ') || 'none'}`);
  for (const m of run.totals)
    if (m.metric === 'patchstorm_requests') viaK6[m.tags.op!] = (viaK6[m.tags.op!] ?? 0) + m.sum;
} finally {
  await site.stop();
}

// 3. The swarm.
const outDir = await mkdtemp(join(tmpdir(), 'patchstorm-k6-compare-'));
let swarm: Record<string, number>;
let swarmWall: number;
try {
  t = Date.now();
  const ran = await patchstorm(['run', ...common, '--out-dir', outDir]);
  swarmWall = Date.now() - t;
  if (ran.code !== 0 && ran.code !== 1) throw new Error(`patchstorm run exited ${ran.code}:\n${ran.output}`);
  const summary = JSON.parse(await readFile(join(outDir, 'summary.json'), 'utf8')) as {
    operations: { name: string; requests: number }[];
  };
  swarm = Object.fromEntries(
    summary.operations.filter((o) => o.requests > 0).map((o) => [o.name, o.requests]),
  );
} finally {
  await rm(outDir, { recursive: true, force: true });
}

// The figures.
/** Sent once per shard (a swarm worker, a k6 VU) and again when the SUP's config changes, not per client:
 *  it follows the number of shards, so it is shown but not compared. */
const PER_SHARD = new Set(['wsus.GetConfig']);
const ops = [...new Set([...Object.keys(swarm), ...Object.keys(viaK6)])].sort();
let worst = 0;
const rows = ops.map((op) => {
  const s = swarm[op] ?? 0;
  const k = viaK6[op] ?? 0;
  const diff = s === 0 ? (k === 0 ? 0 : 1) : (k - s) / s;
  if (!PER_SHARD.has(op)) worst = Math.max(worst, Math.abs(diff));
  const note = PER_SHARD.has(op) ? '  (per shard/VU: not compared)' : '';
  return `${op.padEnd(28)} ${String(s).padStart(8)} ${String(k).padStart(8)} ${(diff * 100).toFixed(2).padStart(8)} %${note}`;
});
console.log(
  `\n${a.profile} × ${a.clients} clients, ${a.duration} at ×${a.speed}, seed ${seed}: swarm ${(swarmWall / 1000).toFixed(0)} s wall, ` +
    `k6 adapter ${(k6Wall / 1000).toFixed(0)} s wall (${vus} VU${vus > 1 ? 's' : ''})`,
);
console.log(`${'operation'.padEnd(28)} ${'swarm'.padStart(8)} ${'k6'.padStart(8)} ${'diff'.padStart(10)}`);
for (const r of rows) console.log(r);
const total = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);
console.log(`${'total'.padEnd(28)} ${String(total(swarm)).padStart(8)} ${String(total(viaK6)).padStart(8)}`);
console.log(
  `largest difference per client operation: ${(worst * 100).toFixed(2)} % (${worst <= 0.05 ? 'within' : 'NOT within'} 5 %)`,
);
process.exitCode = worst <= 0.05 ? 0 : 1;
