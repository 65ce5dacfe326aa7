// ownString: what the site keeps for a run holds no request text alive. Measured on the heap with a real
// GC (exposed through V8 flags), so a copy that still shared its parent's memory would fail.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ownString } from '../../site/own-string.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes still held after keeping `keep(i)` of 200 texts of ~200 KB each. */
function retainedBy(keep: (capture: string) => string): number {
  const kept = new Set<string>();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 200; i++) {
    const text = `<Report><ClientID>GUID:${String(i).padStart(36, '0')}</ClientID>${'x'.repeat(200_000)}</Report>`;
    kept.add(keep(/<ClientID>([^<]+)<\/ClientID>/.exec(text)![1]!));
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  expect(kept.size).toBe(200);
  return after - before;
}

describe('ownString', () => {
  it('is the same text', () => {
    for (const s of ['', 'a', 'GUID:0B5E0000-0000-4000-8000-000000000001', 'é😀\ud800'])
      expect(ownString(s)).toBe(s);
  });

  it('keeps none of the string it was cut from alive (a bare capture keeps all of it)', () => {
    // 200 x 200 KB = 40 MB of report text: a capture keeps it, a copy keeps ~200 short strings.
    expect(retainedBy((capture) => capture)).toBeGreaterThan(20_000_000);
    expect(retainedBy(ownString)).toBeLessThan(2_000_000);
  });
});
