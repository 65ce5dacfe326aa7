// Scale benchmark: 100,000 clients of the steady-state profile against the embedded site for at least
// 5 wall minutes, fast enough that every client acts (policy poll every 60 min → speed >= 12 for a
// 5-minute run). Prints harness RSS and bytes per client, requests by operation, lateness p99, errors by
// kind, and the generator's vs the site's CPU.
// Usage: npm run bench:scale -- [--clients 100000] [--speed 15] [--minutes 5] [--workers N] [--out influxdb=URL ...]
// (`--out`: extra outputs, e.g. to measure what streaming to InfluxDB costs the generator's CPU.)
import { parseArgs } from 'node:util';
import { runBench } from './bench-run.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100000' },
    speed: { type: 'string', default: '15' },
    minutes: { type: 'string', default: '5' },
    workers: { type: 'string' },
    out: { type: 'string', multiple: true },
  },
});
const speed = Number(values.speed);
const minutes = Number(values.minutes);
const outcome = await runBench({
  name: 'bench-scale',
  profile: 'steady-state',
  clients: Number(values.clients),
  speed,
  // Wall minutes × speed = virtual minutes.
  duration: `${Math.round(minutes * speed)}m`,
  ...(values.workers ? { workers: Number(values.workers) } : {}),
  ...(values.out ? { outputs: values.out } : {}),
});
console.log(outcome.text);
process.exitCode = outcome.exitCode;
