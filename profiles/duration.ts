// Durations in profiles: a number of milliseconds, or a string with a unit ('250ms', '90s', '15m',
// '2h', '7d', also combined: '1h30m'). Profiles are read by people; '2h' says more than 7200000.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

export const DURATION_HINT = "a duration like '90s', '15m', '2h', '7d', '1h30m' or a number of ms";

/** Milliseconds of a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = PART.lastIndex;
  }
  return consumed === s.length ? total : undefined;
}

/** Formats ms back into the shortest unit string ('2h', '90m', '1500ms'). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = ms / UNIT_MS[unit]!;
    if (Number.isInteger(n) && n !== 0) return `${n}${unit}`;
  }
  return `${ms}ms`;
}
