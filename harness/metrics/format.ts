// Number and time formatting shared by the terminal sinks.

/** Milliseconds as a bare number, for columns headed "ms" (never switches unit). */
export function formatMs(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toString();
}

/** A latency with its unit, for running text: "3.6 ms", "881 ms", "10.6 s". */
export function formatLatency(ms: number): string {
  return ms < 10_000 ? `${formatMs(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatRate(perSecond: number): string {
  return perSecond >= 10_000
    ? `${(perSecond / 1000).toFixed(1)}k`
    : perSecond >= 100
      ? Math.round(perSecond).toString()
      : perSecond.toFixed(1);
}

export function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.001 ? 3 : 1)}%`;
}

/** A duration as d hh:mm:ss (days only when non-zero). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const hms = [h, m, s].map((x) => String(x).padStart(2, '0')).join(':');
  return d > 0 ? `${d}d ${hms}` : hms;
}

export function padTable(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A count with thousands separators ("9,040"), where the exact figure matters (deployment lines). */
export function formatExact(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
