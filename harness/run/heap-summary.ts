// Reads V8 .heapsnapshot files (harness/engine/heap-snapshots.ts) and ranks what a thread holds by
// constructor, the way DevTools' Summary view groups it: self bytes and object count per group, and
// bytes per client when the thread's client count is known. Two snapshots of one thread at different
// virtual times give the growth between them (what a long run accumulates).
import { readFileSync } from 'node:fs';

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  /** Constructor name, or `(string)`, `(closure)`, `(array)`, `(system) Name` … for V8's own kinds. */
  name: string;
  selfBytes: number;
  count: number;
}

export interface HeapSummary {
  totalBytes: number;
  /** Biggest self size first. */
  groups: HeapGroup[];
}

/** Self size and count per group over one snapshot. */
export function summarizeHeap(file: string): HeapSummary {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotFile;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byName = new Map<string, HeapGroup>();
  let totalBytes = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const self = snap.nodes[i + sizeAt]!;
    const name = groupName(types[snap.nodes[i + typeAt]!]!, snap.strings[snap.nodes[i + nameAt]!]!);
    let g = byName.get(name);
    if (!g) {
      g = { name, selfBytes: 0, count: 0 };
      byName.set(name, g);
    }
    g.selfBytes += self;
    g.count++;
    totalBytes += self;
  }
  return { totalBytes, groups: [...byName.values()].sort((a, b) => b.selfBytes - a.selfBytes) };
}

function groupName(type: string, name: string): string {
  switch (type) {
    case 'object':
    case 'native':
      return name;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'closure':
      return '(closure)';
    case 'number':
      return '(heap number)';
    case 'hidden':
    case 'array':
    case 'code':
    case 'object shape':
      // Arrays are named by what holds them (e.g. `(object elements)`); keep V8's name, it says which.
      return `(${type}) ${name.length > 40 ? `${name.slice(0, 40)}…` : name}`;
    default:
      return `(${type})`;
  }
}

/** Each group's growth from `before` to `after` (biggest first). */
export function heapGrowth(before: HeapSummary, after: HeapSummary): HeapSummary {
  const was = new Map(before.groups.map((g) => [g.name, g]));
  const groups = after.groups.map((g) => ({
    name: g.name,
    selfBytes: g.selfBytes - (was.get(g.name)?.selfBytes ?? 0),
    count: g.count - (was.get(g.name)?.count ?? 0),
  }));
  for (const g of before.groups)
    if (!after.groups.some((a) => a.name === g.name))
      groups.push({ name: g.name, selfBytes: -g.selfBytes, count: -g.count });
  return {
    totalBytes: after.totalBytes - before.totalBytes,
    groups: groups.sort((a, b) => Math.abs(b.selfBytes) - Math.abs(a.selfBytes)),
  };
}

/** The top `n` groups as a table; with `clients`, bytes per client too. */
export function formatHeap(title: string, h: HeapSummary, clients?: number, n = 15): string {
  const mib = (b: number) => `${(b / 1048576).toFixed(1).padStart(7)} MiB`;
  const perClient = (b: number) => (clients ? `${(b / clients).toFixed(1).padStart(8)} B/client` : '');
  const lines = [`${title}: ${mib(h.totalBytes).trim()} self size ${perClient(h.totalBytes).trim()}`];
  for (const g of h.groups.slice(0, n))
    lines.push(`  ${mib(g.selfBytes)} ${perClient(g.selfBytes)} ${String(g.count).padStart(9)} × ${g.name}`);
  return lines.join('\n');
}
