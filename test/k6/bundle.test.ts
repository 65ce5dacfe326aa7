// The k6 script as k6 v0.48 would load it: ES2017 (acorn), no `??` (k6 0.48's transform rejects it), its
// only imports are k6 modules, exactly the names README.md lists, and nothing Node-only inside.
import { parse } from 'acorn';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleK6Script } from '../../harness/cli/k6-bundle.ts';
import { K6_APIS_USED } from '../../harness/cli/k6-files.ts';
import { createSigningKey } from '../../harness/cli/k6-signing-key.ts';
import type { K6ScriptConfig } from '../../harness/k6/config.ts';
import { EMPTY_KNOWLEDGE, T0 } from '../fleet-adapter/site.ts';

let script: string;

beforeAll(async () => {
  const { privateKeyPem: _, ...signingKey } = await createSigningKey();
  const config: K6ScriptConfig = {
    profileName: 'bundle-test',
    runId: 'bundle-test-run',
    fleetSize: 100,
    seed: 1,
    speed: 60,
    durationMs: 3_600_000,
    vus: 4,
    builtForStart: T0,
    behaviourOptions: {
      fleet: { start: 'fresh' },
      targets: { mp: 'http://mp.test', sups: ['http://sup.test:8530'], siteCode: 'PS1' },
      knowledge: EMPTY_KNOWLEDGE,
    },
    signingKey,
    thresholds: {},
    requestTimeout: '60s',
    maxBatch: 64,
  };
  script = await bundleK6Script(config);
});

/** Every `import {names} from 'module'` of the bundle, as module → sorted names ('default' for a default). */
function importsOf(code: string): Record<string, string[]> {
  const ast = parse(code, { ecmaVersion: 2017, sourceType: 'module' }) as unknown as {
    body: {
      type: string;
      source?: { value: string };
      specifiers?: { type: string; imported?: { name: string } }[];
    }[];
  };
  const out: Record<string, string[]> = {};
  for (const node of ast.body) {
    if (node.type !== 'ImportDeclaration') continue;
    const names = (node.specifiers ?? []).map((s) =>
      s.type === 'ImportDefaultSpecifier' ? 'default' : (s.imported?.name ?? '*'),
    );
    out[node.source!.value] = [...(out[node.source!.value] ?? []), ...names].sort();
  }
  return out;
}

describe('the k6 script bundle', () => {
  it('parses as ES2017 and has no ?? (k6 v0.48 rejects it)', () => {
    expect(() => parse(script, { ecmaVersion: 2017, sourceType: 'module' })).not.toThrow();
    expect(script.includes('??')).toBe(false);
    // The same check refuses what k6 0.48 would refuse: a nullish operator does not parse as ES2017.
    expect(() => parse('export const a = b ?? c;', { ecmaVersion: 2017, sourceType: 'module' })).toThrow();
  });

  it('imports only k6 modules, exactly the APIs its README lists', () => {
    const imports = importsOf(script);
    expect(imports).toEqual({
      k6: ['sleep'],
      'k6/crypto': ['createHash', 'randomBytes', 'sha256'],
      'k6/execution': ['default'],
      'k6/http': ['default'],
      'k6/metrics': ['Counter', 'Rate', 'Trend'],
    });
    for (const [module, names] of Object.entries(imports)) {
      const line = K6_APIS_USED.find((l) => l.startsWith(`${module}:`));
      expect(line, module).toBeDefined();
      for (const n of names.filter((n) => n !== 'default')) expect(line, `${module} ${n}`).toContain(n);
    }
  });

  it('has nothing Node-only in it (beyond feature tests that only touch a global where it exists)', () => {
    // `typeof Buffer !== "undefined" && Buffer.isBuffer(x)` (fast-xml-parser) is harmless where it is absent.
    const unguarded = script.replace(
      /typeof\s+([A-Za-z_$][\w$]*)\s*!==?\s*["']undefined["']\s*&&\s*(?:new\s+)?\1\b/g,
      'FEATURE_TEST',
    );
    for (const re of [
      /["']node:/,
      /\brequire\s*\(/,
      /\bprocess\./,
      /\bBuffer\./,
      /\bsetTimeout\s*\(/,
      /\bnew URL\b/,
    ]) {
      expect(unguarded, String(re)).not.toMatch(re);
    }
    console.log(`k6 script with an empty catalog: ${(script.length / 1024).toFixed(0)} KiB`);
  });
});
