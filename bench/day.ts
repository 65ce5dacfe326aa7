// A simulated day: 24 h of 100,000 steady-state clients against the embedded site. Target: at most
// 10 wall minutes (speed 144). The open model keeps the wall time fixed by the speed, so the question
// is whether the run kept to its schedule at that speed; the figures say what limited it otherwise
// (generator CPU, site CPU, lateness, skipped actions).
// Usage: npm run bench:day -- [--clients 100000] [--speed 144] [--workers N]
import { parseArgs } from 'node:util';
import { runBench } from './bench-run.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100000' },
    speed: { type: 'string', default: '144' },
    hours: { type: 'string', default: '24' },
    workers: { type: 'string' },
  },
});
const outcome = await runBench({
  name: 'bench-day',
  profile: 'steady-state',
  clients: Number(values.clients),
  speed: Number(values.speed),
  duration: `${values.hours}h`,
  ...(values.workers ? { workers: Number(values.workers) } : {}),
});
console.log(outcome.text);
// The day counts only when all of it ran and on schedule: a run cut short or behind its schedule says so.
const hoursRun = (outcome.run?.virtualDurationMs ?? 0) / 3_600_000;
const verdict = !outcome.run
  ? 'did not start'
  : outcome.run.end !== 'completed'
    ? `${outcome.run.end} after ${hoursRun.toFixed(1)} h: no day figure`
    : outcome.run.keptUp
      ? 'on schedule'
      : 'NOT on schedule (see limits above): the wall time is not a day figure';
console.log(
  `simulated ${hoursRun.toFixed(1)} of ${values.hours} h of ${values.clients} clients in ${(outcome.wallMs / 60_000).toFixed(1)} wall minutes at x${values.speed} (target <= 10): ${verdict}`,
);
process.exitCode = outcome.exitCode;
