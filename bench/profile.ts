// The profile recipe of the performance work: a slice of the day's mix (steady-state clients against the
// embedded site, `patchstorm run` in a child process) with V8's CPU profiler on every generator thread
// and every site process, then the top 15 self-time functions per side. The .cpuprofile files stay in
// the folder it prints (open them in Chrome DevTools or speedscope for the call trees).
// With `--heap-at 1h,24h` (virtual times) every generator thread also writes a .heapsnapshot at those
// moments (harness/engine/heap-snapshots.ts), and the top constructors by self size are printed per
// thread with bytes per client, plus each thread's growth from its first snapshot to its last.
// Usage: npm run bench:profile -- [--clients 20000] [--speed 144] [--hours 2] [--workers N] [--dir D] [--heap-at 1h,2h]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HEAP_AT_ENV, HEAP_DIR_ENV } from '../harness/engine/heap-snapshots.ts';
import { formatSelfTimes, selfTimes } from '../harness/run/cpu-profile.ts';
import { formatHeap, heapGrowth, summarizeHeap } from '../harness/run/heap-summary.ts';
import { DURATION_HINT, parseDuration } from '../profiles/duration.ts';

const BIN = fileURLToPath(new URL('../bin/patchstorm.mjs', import.meta.url));
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '20000' },
    speed: { type: 'string', default: '144' },
    hours: { type: 'string', default: '2' },
    workers: { type: 'string' },
    dir: { type: 'string', default: 'reports/profile' },
    'heap-at': { type: 'string' },
  },
});
const heapAt = (values['heap-at'] ?? '')
  .split(',')
  .filter(Boolean)
  .map((t) => {
    const ms = parseDuration(t.trim());
    if (ms === undefined) throw new Error(`--heap-at: '${t}' is not ${DURATION_HINT}`);
    return ms;
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
  env: {
    ...process.env,
    PATCHSTORM_SITE_NODE_ARGS: profiler('site'),
    ...(heapAt.length > 0 ? { [HEAP_AT_ENV]: heapAt.join(','), [HEAP_DIR_ENV]: join(dir, 'heap') } : {}),
  },
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

if (heapAt.length > 0) printHeaps(join(dir, 'heap'));

/** Per thread: each snapshot's top constructors (bytes per client for shards), then its growth. */
function printHeaps(heapDir: string): void {
  if (!existsSync(heapDir)) {
    console.log(`\nno heap snapshot was written (the run ended before ${values['heap-at']}?)`);
    return;
  }
  const files = readdirSync(heapDir).filter((f) => f.endsWith('.heapsnapshot'));
  const threads = [...new Set(files.map((f) => f.split('-')[0]!))].sort();
  const shards = threads.filter((t) => t.startsWith('shard')).length;
  for (const thread of threads) {
    // Clients are striped over the shards: shard i holds ceil/floor(clients / shards).
    const clients = thread.startsWith('shard') ? Number(values.clients) / shards : undefined;
    const mine = files
      .filter((f) => f.startsWith(`${thread}-`))
      .sort((a, b) => Number(a.split('-')[1]!.split('.')[0]) - Number(b.split('-')[1]!.split('.')[0]));
    const summaries = mine.map((f) => ({ f, h: summarizeHeap(join(heapDir, f)) }));
    for (const { f, h } of summaries) console.log(`\n${formatHeap(f, h, clients)}`);
    if (summaries.length > 1) {
      const first = summaries[0]!;
      const last = summaries[summaries.length - 1]!;
      console.log(
        `\n${formatHeap(`${thread} growth ${first.f} -> ${last.f}`, heapGrowth(first.h, last.h), clients)}`,
      );
    }
  }
  console.log(`\nheap snapshots in ${heapDir} (open them in Chrome DevTools > Memory for retainers)`);
}
