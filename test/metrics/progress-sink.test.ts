import { describe, expect, it } from 'vitest';
import type { IntervalStats } from '../../harness/metrics/aggregator.ts';
import { ProgressSink } from '../../harness/metrics/progress-sink.ts';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns: 300, write: (s: string) => chunks.push(s) > 0 } as never };
}

const stats = (wallTime: number): IntervalStats => ({
  wallTime,
  virtualTime: 30 * 60_000,
  elapsedMs: 1000,
  requests: 1200,
  perSecond: 1200,
  errors: 3,
  bytesIn: 0,
  bytesOut: 0,
  p95Ms: 12.34,
  latenessP50Ms: 0.2,
  latenessP99Ms: 0.8,
  sent: 1200,
  skipped: 0,
  skippedByReason: {},
  operations: [],
  inFlight: 5,
  activeClients: 25_000,
  scheduledClients: 25_000,
  gauges: {},
  backlog: { depth: 4200, oldestAgeMs: 90_000 },
});

describe('progress sink', () => {
  it('redraws one line with a bar, virtual and wall time, rate, p95, errors and backlog on a TTY', () => {
    const { chunks, out } = stream(true);
    const sink = new ProgressSink({ out, virtualStart: 0, virtualDurationMs: 60 * 60_000, wallStart: 0 });
    sink.onInterval(stats(60_000));
    sink.end();
    expect(chunks[0]).toMatch(
      /^\r\x1b\[K\[##########\.{10}\] {2}50% virtual 00:30:00\/01:00:00 \| wall 00:01:00/,
    );
    expect(chunks[0]).toMatch(/1200 req\/s \| p95 12\.3 ms \| err 3 .*backlog 4200 \(00:01:30\)/);
    expect(chunks[1]).toBe('\n');
  });

  it('prints plain lines every N intervals when stdout is not a TTY', () => {
    const { chunks, out } = stream(false);
    const sink = new ProgressSink({
      out,
      virtualStart: 0,
      virtualDurationMs: 3_600_000,
      wallStart: 0,
      plainEverySeconds: 2,
    });
    for (let i = 1; i <= 4; i++) sink.onInterval(stats(i * 1000));
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatch(/^\[ 50%\] virtual 00:30:00\/01:00:00 \| wall 00:00:02 .*\n$/);
    expect(chunks.join('')).not.toContain('\r');
  });
});
