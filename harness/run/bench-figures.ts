// The figures the scale benchmarks print from a run's report: memory, requests by operation,
// generator lateness and skips, errors by kind, and where the CPU went.
import { formatBytes, formatCount, formatLatency } from '../metrics/format.ts';
import type { RunReport } from './run-notes.ts';

const ms = formatLatency;

export interface CpuFigures {
  /** Coordinator + worker threads, CPU seconds. */
  generatorCpuSeconds: number;
  /** All embedded site processes, CPU seconds (last sample before they stopped). */
  siteCpuSeconds: number;
  cores: number;
}

export function benchFigures(report: RunReport, cpu: CpuFigures): string {
  const wallS = report.wallDurationMs / 1000;
  const lines = [
    '',
    `== figures: ${report.profile} ${report.fleetSize.toLocaleString('en-US')} clients, virtual ${(report.virtualDurationMs / 3_600_000).toFixed(2)} h in wall ${wallS.toFixed(0)} s (x${report.speed}), end ${report.end}`,
    `harness RSS max        ${formatBytes(report.run.harness.maxRssBytes)} (${report.run.harness.bytesPerClient.toFixed(0)} bytes per client; target <= 512 MiB, ceiling 1 GiB)`,
    `requests               ${formatCount(report.totals.requests)} (${report.totals.perSecond.toFixed(0)}/s), errors ${report.totals.errors}`,
    `generator lateness     p50 ${ms(report.generator.lateness.p50Ms)}, p99 ${ms(report.generator.lateness.p99Ms)}, max ${ms(report.generator.lateness.maxMs)}`,
    `generator skipped      ${JSON.stringify(report.generator.skipped)} (${report.generator.verdict})`,
    `CPU                    generator ${cpu.generatorCpuSeconds.toFixed(0)} s (${((100 * cpu.generatorCpuSeconds) / wallS).toFixed(0)}% of one core), site ${cpu.siteCpuSeconds.toFixed(0)} s (${((100 * cpu.siteCpuSeconds) / wallS).toFixed(0)}%), ${cpu.cores} cores`,
    'requests by operation:',
    ...report.operations.map(
      (o) =>
        `  ${o.name.padEnd(28)} ${String(o.requests).padStart(9)}  p95 ${ms(o.latency.p95Ms).padStart(10)}  errors ${o.errors}`,
    ),
    `errors by kind:         ${Object.keys(report.errorsByKind).length === 0 ? 'none' : JSON.stringify(report.errorsByKind)}`,
  ];
  return lines.join('\n');
}
