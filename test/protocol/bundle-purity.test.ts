// protocol/ must bundle for k6 later (docs/contracts.md "protocol/ rules"): no node: imports, no Buffer, no
// process, no timers, no I/O. esbuild bundles each public entry point (protocol/*.ts and protocol/*/index.ts,
// plus any file no entry reaches) for a platform-neutral ES2017 target with nothing external, the output
// is searched for what a runtime without Node would not have, and the codecs are run in a V8 context that
// has nothing but the ECMAScript built-ins and TextEncoder/TextDecoder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { type BuildOptions, build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, WSUS_CAPTURES_DIR } from '../paths.ts';

const PROTOCOL_DIR = join(REPO_ROOT, 'protocol');

const OPTIONS: BuildOptions = {
  absWorkingDir: REPO_ROOT,
  bundle: true,
  write: false,
  metafile: true,
  outdir: join(REPO_ROOT, 'node_modules/.cache/protocol-purity'),
  // Neutral: no Node built-ins and no 'node'/'browser' export conditions, so fflate resolves to its plain
  // ESM build and a `node:` import cannot be resolved at all.
  platform: 'neutral',
  // Neutral has no main fields by default; these are what a k6 bundler uses for packages without
  // `exports` (fast-xml-parser's dependency strnum).
  mainFields: ['module', 'main'],
  format: 'esm',
  // k6's JavaScript runtime is ES2017-ish; the code and both dependencies (fast-xml-parser, fflate)
  // lower to it without errors.
  target: 'es2017',
  external: [],
  // Drops comments (fast-xml-parser's JSDoc mentions `import(...)`), so only code is searched.
  minifyWhitespace: true,
  logLevel: 'silent',
};

/** What a bundle for a runtime without Node must not contain, each with the reason it is refused. */
const FORBIDDEN: { what: string; re: RegExp }[] = [
  { what: 'a node: module', re: /["']node:/ },
  { what: 'require()', re: /\brequire\s*\(/ },
  { what: 'an unresolved import', re: /^\s*import\b|\bimport\s*\(/m },
  { what: 'process.*', re: /\bprocess\./ },
  { what: 'Buffer', re: /\bBuffer\b/ },
  { what: 'a timer', re: /\b(?:setTimeout|setInterval|setImmediate|clearTimeout|clearInterval)\b/ },
];

/**
 * A feature test such as `typeof Buffer !== "undefined" && Buffer.isBuffer(x)` (fast-xml-parser does this
 * for Uint8Array input) only touches the global where it exists, so it is harmless without Node.
 */
const FEATURE_TEST = /typeof\s+([A-Za-z_$][\w$]*)\s*(?:!==?\s*["']undefined["']\s*&&\s*\1\b)?/g;

/** Names of the forbidden things a bundle's code uses (empty = pure). */
function impurities(code: string): string[] {
  const unguarded = code.replace(FEATURE_TEST, 'FEATURE_TEST');
  return FORBIDDEN.filter((f) => f.re.test(unguarded)).map((f) => f.what);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** protocol/*.ts and protocol/<codec>/index.ts: what a k6 script would import. */
function entryPoints(): string[] {
  return readdirSync(PROTOCOL_DIR).flatMap((name) => {
    const path = join(PROTOCOL_DIR, name);
    if (statSync(path).isDirectory()) {
      const index = join(path, 'index.ts');
      return tsFiles(path).includes(index) ? [index] : [];
    }
    return name.endsWith('.ts') ? [path] : [];
  });
}

interface Bundled {
  /** Entry point relative to the repo, e.g. protocol/wsus/index.ts. */
  entry: string;
  code: string;
}

async function bundle(entries: string[]): Promise<{ bundles: Bundled[]; inputs: Set<string> }> {
  const result = await build({ ...OPTIONS, entryPoints: entries });
  // A warning would be something the ES2017 lowering could not do faithfully.
  expect(result.warnings.map((w) => w.text)).toEqual([]);
  const outputs = result.metafile?.outputs ?? {};
  const bundles = (result.outputFiles ?? []).map((file) => {
    const meta = Object.entries(outputs).find(([out]) => join(REPO_ROOT, out) === file.path)?.[1];
    return { entry: meta?.entryPoint ?? relative(REPO_ROOT, file.path), code: file.text };
  });
  const inputs = new Set(Object.keys(result.metafile?.inputs ?? {}).map((p) => join(REPO_ROOT, p)));
  return { bundles, inputs };
}

/**
 * Runs `script` (a function body that returns its result) after the IIFE bundle of `entry` (exports on `protocol`) in a fresh V8 context: ECMAScript
 * built-ins plus TextEncoder/TextDecoder (which protocol/bytes.ts needs), no Buffer, process or timers.
 * The result crosses back as JSON, so no object of the other realm leaks into the assertions.
 */
async function runBare(entry: string, script: string): Promise<unknown> {
  const result = await build({
    ...OPTIONS,
    metafile: false,
    format: 'iife',
    globalName: 'protocol',
    entryPoints: [join(REPO_ROOT, entry)],
  });
  const context = createContext({ TextEncoder, TextDecoder });
  expect(
    runInContext('[typeof Buffer, typeof process, typeof setTimeout, typeof require].join()', context),
  ).toBe('undefined,undefined,undefined,undefined');
  runInContext(result.outputFiles![0]!.text, context, { filename: entry });
  return JSON.parse(runInContext(`JSON.stringify((() => { ${script} })())`, context));
}

describe('protocol/ bundles for a runtime without Node (k6)', () => {
  it('every entry point, and every file none of them reaches, bundles with nothing Node-only in it', async () => {
    const entries = entryPoints();
    expect(entries.map((e) => relative(REPO_ROOT, e))).toEqual(
      expect.arrayContaining(['protocol/wsus/index.ts', 'protocol/mp/index.ts', 'protocol/dp/index.ts']),
    );
    const first = await bundle(entries);
    const unreached = tsFiles(PROTOCOL_DIR).filter((f) => !first.inputs.has(f));
    const rest = unreached.length > 0 ? (await bundle(unreached)).bundles : [];
    const all = [...first.bundles, ...rest];
    expect(all).toHaveLength(entries.length + unreached.length);
    // Type-only files (no code) bundle to nothing; every entry point has code.
    for (const b of first.bundles) expect(b.code.length, b.entry).toBeGreaterThan(0);
    for (const b of all) {
      expect(impurities(b.code), `${b.entry} bundles with`).toEqual([]);
    }
    // The dependencies are inside the bundles, not left as imports: the XML parser and zlib are there.
    const mp = all.find((b) => b.entry === 'protocol/mp/index.ts')!;
    expect([...first.inputs].some((p) => p.includes('node_modules/fflate/'))).toBe(true);
    expect([...first.inputs].some((p) => p.includes('node_modules/fast-xml-parser/'))).toBe(true);
    expect(mp.code).toMatch(/XMLParser/);
  });

  it('runs in a context with no Node globals: WSUS, CCM_POST (zlib) and DP codecs work there', async () => {
    const getConfigReply = readFileSync(
      join(WSUS_CAPTURES_DIR, 'wsus-m0-native/scan/000001/response.body'),
      'utf8',
    );
    const results = {
      wsus: await runBare(
        'protocol/wsus/index.ts',
        `const r = protocol.parseWsusResponse('GetConfig', ${JSON.stringify(getConfigReply)});
         const q = protocol.buildWsusRequest({ operation: 'GetConfig', protocolVersion: '2.90' });
         return [r.lastChange, r.properties.MaxExtendedUpdatesPerRequest, q.includes('<protocolVersion>2.90</protocolVersion>')];`,
      ),
      mp: await runBare(
        'protocol/mp/index.ts',
        `const header = { id: '{1}', sourceHost: 'PC1', targetAddress: 'mp:MP_PolicyManager',
           targetEndpoint: 'MP_PolicyManager', targetHost: 'MP1', sentTime: '2026-10-04T13:17:07Z' };
         const post = protocol.buildCcmPost({ header, body: '<RequestAssignments/>', compress: true });
         const back = protocol.parseCcmPost(post.contentType, post.body);
         return [back.body, back.compressed];`,
      ),
      dp: await runBare(
        'protocol/dp/index.ts',
        `return [protocol.formatRangeHeader(0, 1048575), protocol.parseRange('bytes=5-9', 100)];`,
      ),
    };
    expect(results).toEqual({
      wsus: ['2026-10-04T13:17:07.59Z', '50', true],
      mp: ['<RequestAssignments/>', true],
      dp: ['bytes=0-1048575', { start: 5, end: 9 }],
    });
  });

  it('refuses a node: import: the bundle fails to build', async () => {
    await expect(
      build({
        ...OPTIONS,
        stdin: {
          contents: "import { deflateSync } from 'node:zlib'; export const z = deflateSync;",
          resolveDir: PROTOCOL_DIR,
        },
      }),
    ).rejects.toThrow(/node:zlib/);
  });

  it('names each Node-only thing a bundle would use', () => {
    expect(impurities('export const b = Buffer.from("x");')).toEqual(['Buffer']);
    expect(impurities('setTimeout(f, 1); process.env.X;')).toEqual(['process.*', 'a timer']);
    expect(impurities('var z = require("node:zlib");')).toEqual(['a node: module', 'require()']);
    expect(impurities('import "fflate";\nexport {};')).toEqual(['an unresolved import']);
    expect(impurities('const bufferSize = 1; const processed = 2;')).toEqual([]);
    // A feature test only touches the global where it exists; a bare use does not.
    expect(impurities('if (typeof Buffer !== "undefined" && Buffer.isBuffer(x)) f();')).toEqual([]);
    expect(impurities('if (typeof Buffer !== "undefined") f(); Buffer.isBuffer(x);')).toEqual(['Buffer']);
  });
});
