// The profile recipe of the performance work: a slice of the day's mix (steady-state clients against the
// embedded site, `patchstorm run` in a child process) with V8's CPU profiler on every generator thread
// and every site process, then the top 15 self-time functions per side. The .cpuprofile files stay in
// the folder it prints (open them in Chrome DevTools or speedscope for the call trees).
// Usage: npm run bench:profile -- [--clients 20000] [--speed 144] [--hours 2] [--workers N] [--dir D]
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatSelfTimes, selfTimes } from '../harness/run/cpu-profile.ts';

const BIN = fileURLToPath(new URL('../bin/patchstorm.mjs', import.meta.url));
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '20000' },
    speed: { type: 'string', default: '144' },
    hours: { type: 'string', default: '2' },
    workers: { type: 'string' },
    dir: { type: 'string', default: 'reports/profile' },
  },
});
const dir = resolve(values.dir);
rmSync(dir, { recursive: true, force: true });
const profiler = (side: string) => `--cpu-prof --cpu-prof-dir=${join(dir, side)}`;
const args = [
  BIN,
  'run',
  '--profile',
  'steady-state',
  '--clients',
  values.clients,
  '--speed',
  values.speed,
  '--duration',
  `${values.hours}h`,
  '--out-dir',
  join(dir, 'run'),
  ...(values.workers ? ['--workers', values.workers] : []),
];
// The generator (coordinator + its worker threads, which inherit its flags) and the site processes each
// profile into their own folder.
const child = spawn(process.execPath, [...profiler('generator').split(' '), ...args], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, PATCHSTORM_SITE_NODE_ARGS: profiler('site') },
});
const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
const profiles = (side: string, pid?: number) =>
  readdirSync(join(dir, side))
    .filter((f) => f.endsWith('.cpuprofile') && (pid === undefined || f.split('.')[3] === String(pid)))
    .map((f) => join(dir, side, f));
const generator = profiles('generator', child.pid);
const site = profiles('site');
console.log(`\npatchstorm run exited ${code}; profiles in ${dir}`);
console.log(formatSelfTimes(`generator (${generator.length} threads)`, selfTimes(generator)));
console.log(formatSelfTimes(`site (${site.length} processes)`, selfTimes(site)));
