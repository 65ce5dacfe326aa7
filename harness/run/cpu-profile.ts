// Reads V8 .cpuprofile files (node --cpu-prof) and ranks functions by self time: where a process's
// CPU really goes, per side (generator threads, site processes), for the performance work's tables.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** `name (file:line)`. */
  fn: string;
  selfMs: number;
}

/** CPU self time per function over several profiles (e.g. every thread of one side), biggest first; idle left out. */
export function selfTimes(files: readonly string[]): { totalMs: number; functions: SelfTime[] } {
  const byFn = new Map<string, number>();
  let totalUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const label = new Map<number, string>();
    for (const n of profile.nodes) label.set(n.id, describe(n.callFrame));
    for (let i = 0; i < profile.samples.length; i++) {
      const us = profile.timeDeltas[i] ?? 0;
      const fn = label.get(profile.samples[i]!) ?? '(unknown)';
      // Idle is the thread waiting for I/O: not CPU, and it would drown the table.
      if (fn === '(idle)') continue;
      byFn.set(fn, (byFn.get(fn) ?? 0) + us);
      totalUs += us;
    }
  }
  const functions = [...byFn]
    .map(([fn, us]) => ({ fn, selfMs: us / 1000 }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs: totalUs / 1000, functions };
}

function describe(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const file = frame.url
    .replace(/^file:\/\//, '')
    .replace(/^.*?\/(node_modules|harness|site|protocol|profiles)\//, '$1/');
  return `${name} (${file}:${frame.lineNumber + 1})`;
}

/** The top `n` as a table with each function's share of the side's samples. */
export function formatSelfTimes(title: string, t: ReturnType<typeof selfTimes>, n = 15): string {
  const lines = [`${title}: ${(t.totalMs / 1000).toFixed(1)} s busy (idle left out); top ${n} by self time`];
  for (const f of t.functions.slice(0, n)) {
    const share = t.totalMs === 0 ? 0 : (100 * f.selfMs) / t.totalMs;
    lines.push(`  ${share.toFixed(1).padStart(5)} %  ${(f.selfMs / 1000).toFixed(2).padStart(7)} s  ${f.fn}`);
  }
  return lines.join('\n');
}
