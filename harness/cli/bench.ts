// `patchstorm bench`: how many requests per second a SUP, MP or DP answers for one operation, and how
// fast — autocannon underneath, realistic bodies from protocol/, a real client conversation first
// (cookie, registration, cache). Exit codes: 0 measured · 2 invalid options (nothing sent) · 3 the
// target could not be prepared (its first conversation failed) · 130 interrupted (what was measured
// until then is still printed and written).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, type CommanderError } from 'commander';
import { loadOne } from '../bench/load.ts';
import { BENCH_OPERATIONS, prepareOperation, ScannedClientCache } from '../bench/operations.ts';
import { type BenchFlags, checkBenchFlags } from './bench-options.ts';
import { BENCH_SCHEMA, type BenchReport, formatBenchTable } from '../bench/report.ts';
import { HttpClient } from '../driver/http.ts';
import { EXIT_ABORTED, EXIT_INTERRUPTED, EXIT_INVALID_INPUT, EXIT_OK } from '../metrics/exit-codes.ts';
import { assertWritable } from '../metrics/outputs/output-file.ts';
import { OutputError } from '../metrics/outputs/output.ts';
import { OptionError } from './run-options.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'Measure requests per second and latency of one operation against any SUP/MP/DP (autocannon, ' +
        'realistic bodies, a valid cookie and registration obtained first).',
    )
    .option('--sup <url>', 'SUP web services, e.g. http://sup01:8530')
    .option('--mp <url>', 'management point, e.g. http://mp01')
    .option('--dp-file <url>', 'a file on a DP to range over (DpRange; default: a file the SUP offers)')
    .option('--site-code <code>', 'site code for MP registration (default PS1)')
    .option('--op <name>', `operation, repeatable: ${BENCH_OPERATIONS.join(', ')}`, collect)
    .option('--connections <n>', 'sockets kept busy, 1..10000 (default 32)')
    .option('--duration <d>', "how long per operation, e.g. '10s', '1m' (default 10s)")
    .option('--messages <n>', 'state messages per post for StatePost (default 5)')
    .option('--range-bytes <n>', 'bytes per ranged GET for DpRange (default 65536)')
    .option('--timeout <s>', 'seconds before a request counts as a timeout (default 10)')
    .option('--ca <file>', 'CA certificate (PEM) to trust for HTTPS targets')
    .option('--insecure', 'accept any HTTPS certificate')
    .option('--json <file>', 'also write the results as JSON')
    .exitOverride((err: CommanderError) => {
      if (err.exitCode !== 0) process.exit(EXIT_INVALID_INPUT);
      process.exit(0);
    })
    .action(async (flags: BenchFlags) => {
      process.exitCode = await benchCli(flags);
    });
}

export async function benchCli(
  flags: BenchFlags,
  out: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  let plan: ReturnType<typeof checkBenchFlags>;
  try {
    plan = checkBenchFlags(flags);
    if (plan.json) await assertWritable(resolve(plan.json), '--json');
  } catch (err) {
    if (err instanceof OptionError || err instanceof OutputError) {
      console.error(`patchstorm bench: ${err.message}`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
  // Ctrl-C/SIGTERM stops the load at once and still prints (and writes) what was measured: exit 130.
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const http = new HttpClient({ ...plan.tls, timeoutMs: plan.timeoutS * 1000 });
  const scanned = plan.target.sup ? new ScannedClientCache(http, plan.target.sup) : undefined;
  const report: BenchReport = { schema: BENCH_SCHEMA, startedAt: new Date().toISOString(), results: [] };
  try {
    for (const op of plan.operations) {
      if (interrupt.signal.aborted) break;
      let prepared: Awaited<ReturnType<typeof prepareOperation>>;
      try {
        prepared = await prepareOperation(op, plan.target, http, plan, scanned);
      } catch (err) {
        console.error(`patchstorm bench: ${op}: the target could not be prepared: ${(err as Error).message}`);
        return EXIT_ABORTED;
      }
      if (interrupt.signal.aborted) break;
      out(`${op}: ${plan.connections} connections for ${plan.durationS} s against ${prepared.request.url}`);
      const figures = await loadOne(prepared, {
        connections: plan.connections,
        durationS: plan.durationS,
        timeoutS: plan.timeoutS,
        tls: plan.tls,
        signal: interrupt.signal,
      });
      report.results.push({ op, ...figures });
    }
  } finally {
    await http.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (interrupt.signal.aborted) {
    report.interrupted = true;
    out('interrupted: the figures cover what was sent until then');
  }
  out(formatBenchTable(report.results));
  if (plan.json) {
    await writeFile(plan.json, `${JSON.stringify(report, null, 2)}\n`);
    out(`results written to ${resolve(plan.json)}`);
  }
  return interrupt.signal.aborted ? EXIT_INTERRUPTED : EXIT_OK;
}
