// The house of docs/architecture.md as a test: every import of every .ts file in the project's code
// folders is read (TypeScript's own pre-processor: static, `export … from` and dynamic imports, type-only
// ones included) and each arrow between two folders must be in ALLOWED. Arrows only point down:
//   protocol ← fleet ← client ← engine ← run ← cli,  metrics beside the engine,  site → protocol,
//   driver (one conversation at a time) above the engine, below run, bench, cli and conformance.
// An arrow listed under DEBT is one that points the wrong way today and is named so it can be removed;
// the test also fails when a debt is paid off but still listed, so the list stays true.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

/** Every folder of code, and what each may import besides itself. The one list of allowed arrows. */
const ALLOWED: Record<string, readonly string[]> = {
  protocol: [],
  'harness/fleet': ['protocol'],
  'harness/client': ['harness/fleet', 'protocol'],
  // The metric schema re-exports the client's error vocabulary (harness/client/error-kinds.ts).
  'harness/metrics': ['harness/client', 'protocol'],
  'harness/engine': ['harness/client', 'harness/fleet', 'harness/metrics', 'protocol'],
  // Platforms over web APIs (fetch): beside the engine's Node platform, over the client layer alone.
  'harness/platforms': ['harness/client', 'protocol'],
  // The protocol-level clients of tests, discovery, bench and conformance: one conversation at a time.
  // A second Node runner of the client layer beside the swarm, one layer above the engine: its WSUS scan
  // is an await loop over harness/client's ScanExchange on the engine's Node platform
  // (engine/node-platform.ts), and http.ts sends through the engine's Transport (one retry policy, one
  // deadline, one memory bound for both). driver -> engine is allowed; engine -> driver is not (the
  // engine's list has no driver), so the arrow points one way, like run -> engine.
  'harness/driver': ['harness/client', 'harness/engine', 'harness/fleet', 'harness/metrics', 'protocol'],
  'harness/k6': ['harness/client', 'harness/fleet', 'protocol'],
  // `patchstorm bench`: one operation at a time, through the driver.
  'harness/bench': [
    'harness/client',
    'harness/driver',
    'harness/engine',
    'harness/metrics',
    'profiles',
    'protocol',
  ],
  profiles: ['harness/engine', 'harness/fleet', 'harness/metrics', 'protocol'],
  'harness/run': [
    'harness/client',
    'harness/driver',
    'harness/engine',
    'harness/fleet',
    'harness/metrics',
    'profiles',
    'protocol',
    'site',
  ],
  'harness/cli': [
    'conformance',
    'harness/bench',
    'harness/client',
    'harness/driver',
    'harness/engine',
    'harness/fleet',
    'harness/k6',
    'harness/metrics',
    'harness/run',
    'profiles',
    'protocol',
    'site',
  ],
  site: ['protocol'],
  conformance: ['harness/client', 'harness/driver', 'harness/fleet', 'protocol', 'site'],
  // The k6 variant reads the k6 script's metric names (harness/k6/metrics-names.ts: no k6 import there).
  dashboards: ['harness/k6', 'harness/metrics'],
};

/** Arrows that point the wrong way today, each with the file(s) that make it and what would remove it. */
const DEBT: Record<string, string> = {}; // none today: driver -> engine was the last (see ALLOWED)

const AREAS = Object.keys(ALLOWED).sort((a, b) => b.length - a.length);

function areaOf(file: string): string | undefined {
  const rel = relative(REPO_ROOT, file);
  return AREAS.find((a) => rel === a || rel.startsWith(`${a}/`));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every import specifier of a file: static, type-only, `export … from` and `import()`. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

interface Arrow {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

/** The arrows between folders: relative imports that land in another area (or in no area at all). */
function arrowsOf(files: readonly string[]): Arrow[] {
  const out: Arrow[] = [];
  for (const file of files) {
    const from = areaOf(file)!;
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      const to = areaOf(target) ?? relative(REPO_ROOT, target).split('/')[0]!;
      if (to !== from) out.push({ from, to, file: relative(REPO_ROOT, file), specifier });
    }
  }
  return out;
}

/** Packages the pure folders may use: they bundle for k6 (test/protocol/bundle-purity.test.ts). */
const PURE_AREAS = ['protocol', 'harness/fleet', 'harness/client'];
const PURE_PACKAGES = ['fast-xml-parser', 'fflate'];

describe('import arrows between folders point down (docs/architecture.md)', () => {
  const files = Object.keys(ALLOWED).flatMap((a) => tsFiles(join(REPO_ROOT, a)));
  const arrows = arrowsOf(files);

  it('reads the real tree: every folder has files and the known arrows are seen', () => {
    for (const area of Object.keys(ALLOWED)) {
      expect(
        files.some((f) => areaOf(f) === area),
        area,
      ).toBe(true);
    }
    expect(arrows.some((a) => a.from === 'harness/engine' && a.to === 'harness/client')).toBe(true);
    expect(arrows.some((a) => a.from === 'harness/client' && a.to === 'protocol')).toBe(true);
  });

  it('has no arrow outside the allowed list (debts named apart)', () => {
    const wrong = arrows
      .filter((a) => !ALLOWED[a.from]!.includes(a.to) && DEBT[`${a.from} -> ${a.to}`] === undefined)
      .map((a) => `${a.file} imports ${a.specifier} (${a.from} -> ${a.to})`);
    expect(wrong).toEqual([]);
  });

  it('lists no debt that is already paid and no debt that is allowed anyway', () => {
    for (const debt of Object.keys(DEBT)) {
      const [from, to] = debt.split(' -> ') as [string, string];
      expect(ALLOWED[from]?.includes(to), `${debt} is allowed: not a debt`).toBe(false);
      expect(
        arrows.some((a) => a.from === from && a.to === to),
        `${debt} no longer exists: remove it from DEBT`,
      ).toBe(true);
    }
  });

  it('nothing imports cli; run and cli do not import each other both ways', () => {
    for (const [area, allowed] of Object.entries(ALLOWED)) {
      if (area !== 'harness/cli') expect(allowed, area).not.toContain('harness/cli');
    }
    expect(arrows.filter((a) => a.to === 'harness/cli').map((a) => a.file)).toEqual([]);
  });

  it('the pure folders import no node: module and no package beyond the portable ones', () => {
    const impure = files
      .filter((f) => PURE_AREAS.includes(areaOf(f)!))
      .flatMap((f) => importsOf(f).map((s) => ({ file: relative(REPO_ROOT, f), s })))
      .filter(({ s }) => !s.startsWith('.') && !PURE_PACKAGES.includes(s))
      .map(({ file, s }) => `${file} imports ${s}`);
    expect(impure).toEqual([]);
  });

  it('finds a wrong arrow when there is one (the reader is not blind)', () => {
    const probe = join(REPO_ROOT, 'harness/client/probe.ts');
    const info = ts.preProcessFile(
      "import type { X } from '../engine/behaviour.ts'; export { y } from '../run/plan.ts'; await import('../cli/main.ts');",
      true,
      true,
    );
    const targets = info.importedFiles.map((f) => areaOf(resolve(dirname(probe), f.fileName)));
    expect(targets).toEqual(['harness/engine', 'harness/run', 'harness/cli']);
    expect(targets.filter((t) => !ALLOWED['harness/client']!.includes(t!))).toHaveLength(3);
  });
});
