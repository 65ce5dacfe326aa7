// protocol/, harness/fleet and harness/client must bundle for k6 (docs/contracts.md "protocol/ rules",
// docs/architecture.md): no node: imports, no Buffer, no process, no timers, no I/O, and none of the
// globals k6 v0.48 lacks (docs/k6-runtime.md: TextEncoder/TextDecoder, URL, crypto, atob/btoa, BigInt,
// structuredClone, queueMicrotask, WeakRef). esbuild bundles each public entry point (protocol/*.ts,
// protocol/*/index.ts, harness/fleet/index.ts, harness/client/index.ts, plus any file no entry reaches)
// for a platform-neutral ES2017 target with nothing external, the output is searched for what k6 would
// not have, and the code is run in a V8 context made like k6's: the ECMAScript built-ins minus the ones
// k6 v0.48 lacks, nothing else.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { type BuildOptions, build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, WSUS_CAPTURES_DIR } from '../paths.ts';
import { K6_ABSENT } from '../support/k6-globals.ts';

const PROTOCOL_DIR = join(REPO_ROOT, 'protocol');
/** The folders that run in k6: protocol/ and the two harness layers above it. */
const PURE_DIRS = ['protocol', 'harness/fleet', 'harness/client'].map((d) => join(REPO_ROOT, d));

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
  { what: 'TextEncoder/TextDecoder', re: /\bText(?:En|De)coder\b/ },
  { what: 'URL', re: /\bnew\s+URL\b|\bURL\.|\bURLSearchParams\b/ },
  { what: 'Web Crypto', re: /\bcrypto\./ },
  { what: 'atob/btoa', re: /\b(?:atob|btoa)\s*\(/ },
  { what: 'BigInt', re: /\bBigInt\b|\b\d+n\b/ },
  { what: 'structuredClone', re: /\bstructuredClone\b/ },
  { what: 'queueMicrotask', re: /\bqueueMicrotask\b/ },
  { what: 'WeakRef', re: /\bWeakRef\b/ },
];

/**
 * A feature test such as `typeof Buffer !== "undefined" && Buffer.isBuffer(x)` (fast-xml-parser does this
 * for Uint8Array input, fflate's `typeof TextDecoder != "undefined" && new TextDecoder`) only touches the
 * global where it exists, so it is harmless where it is absent.
 */
const FEATURE_TEST = /typeof\s+([A-Za-z_$][\w$]*)\s*(?:!==?\s*["']undefined["']\s*&&\s*(?:new\s+)?\1\b)?/g;

/**
 * Code of a dependency that uses a name k6 lacks on a path our code never takes, each with why:
 * fast-xml-parser decodes a Uint8Array input with TextDecoder; protocol/xml.ts only ever passes it a
 * string (parseXmlFully(text: string)).
 */
const UNREACHED_DEPENDENCY_CODE = ['new TextDecoder("utf-8",{ignoreBOM:true}).decode(xmlData)'];

/** Names of the forbidden things a bundle's code uses (empty = pure). */
function impurities(code: string): string[] {
  let unguarded = code.replace(FEATURE_TEST, 'FEATURE_TEST');
  for (const known of UNREACHED_DEPENDENCY_CODE) unguarded = unguarded.split(known).join('UNREACHED');
  return FORBIDDEN.filter((f) => f.re.test(unguarded)).map((f) => f.what);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** protocol/*.ts, protocol/<codec>/index.ts and the two harness layers' index.ts: what a k6 script imports. */
function entryPoints(): string[] {
  const protocol = readdirSync(PROTOCOL_DIR).flatMap((name) => {
    const path = join(PROTOCOL_DIR, name);
    if (statSync(path).isDirectory()) {
      const index = join(path, 'index.ts');
      return tsFiles(path).includes(index) ? [index] : [];
    }
    return name.endsWith('.ts') ? [path] : [];
  });
  return [...protocol, join(REPO_ROOT, 'harness/fleet/index.ts'), join(REPO_ROOT, 'harness/client/index.ts')];
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

/** A fresh V8 context shaped like k6 v0.48's: the ECMAScript built-ins minus K6_ABSENT, no Node globals. */
function k6LikeContext(): object {
  const context = createContext({});
  runInContext(`for (const name of ${JSON.stringify(K6_ABSENT)}) delete globalThis[name];`, context);
  const names = [...K6_ABSENT, 'Buffer', 'process', 'require', 'setImmediate'];
  expect(
    runInContext(`${JSON.stringify(names)}.filter((n) => typeof globalThis[n] !== 'undefined')`, context),
  ).toEqual([]);
  return context;
}

/**
 * Runs `script` (a function body that returns its result) after the IIFE bundle of `entry` (a file, or
 * module source resolved from the repository root; its exports on `protocol`) in a k6-like context
 * (k6LikeContext). The result crosses back as JSON, so no object of the other realm leaks into the
 * assertions.
 */
async function runBare(entry: string | { contents: string }, script: string): Promise<unknown> {
  const result = await build({
    ...OPTIONS,
    metafile: false,
    format: 'iife',
    globalName: 'protocol',
    ...(typeof entry === 'string'
      ? { entryPoints: [join(REPO_ROOT, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: REPO_ROOT, sourcefile: 'entry.ts', loader: 'ts' } }),
  });
  const context = k6LikeContext();
  runInContext(result.outputFiles![0]!.text, context, {
    filename: typeof entry === 'string' ? entry : 'entry.ts',
  });
  return JSON.parse(runInContext(`JSON.stringify((() => { ${script} })())`, context));
}

describe('protocol/, harness/fleet and harness/client bundle for k6 v0.48', () => {
  it('every entry point, and every file none of them reaches, bundles with nothing Node-only in it', async () => {
    const entries = entryPoints();
    expect(entries.map((e) => relative(REPO_ROOT, e))).toEqual(
      expect.arrayContaining(['protocol/wsus/index.ts', 'protocol/mp/index.ts', 'protocol/dp/index.ts']),
    );
    expect(entries.map((e) => relative(REPO_ROOT, e))).toEqual(
      expect.arrayContaining(['harness/fleet/index.ts', 'harness/client/index.ts']),
    );
    const first = await bundle(entries);
    const unreached = PURE_DIRS.flatMap(tsFiles).filter((f) => !first.inputs.has(f));
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

  it('runs in a k6-like context: WSUS, CCM_POST (zlib) and DP codecs work there', async () => {
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

  it('runs the fleet, the client exchanges and the shard driver in a k6-like context on a pure platform', async () => {
    // The platform a k6 script would give, from pure code only (k6/crypto would supply sha1 there).
    const entry = {
      contents: `export * from './harness/client/index.ts';
        export { defineFleetConfig, Fleet, FleetCatalog } from './harness/fleet/index.ts';
        export { fflateDeflate, inflateCcmBody, parseCcmPost } from './protocol/mp/index.ts';
        export { utf8Decode } from './protocol/bytes.ts';`,
    };
    const result = await runBare(
      entry,
      `const lib = protocol;
       let ids = 0;
       const platform = {
         uuid: () => '00000000-0000-4000-8000-' + String(++ids).padStart(12, '0'),
         sha1: () => { throw new Error('no download here'); },
         deflate: lib.fflateDeflate,
         inflate: lib.inflateCcmBody,
         utf8Decode: lib.utf8Decode,
         splitUrl: (url) => { const m = /^([a-z]+:\\/\\/[^/]+)(.*)$/.exec(url); return { origin: m[1], path: m[2] || '/' }; },
         now: () => 0,
       };
       const now = Date.UTC(2026, 9, 4, 13, 0, 0);
       const config = lib.defineFleetConfig({ seed: 7, start: 'fresh' });
       const fleet = new lib.Fleet({ config, catalog: new lib.FleetCatalog(config.machines.length), from: 0, to: 4 });
       const step = fleet.step(0, { kind: 'wake' }, now);
       const ctx = {
         fleet, platform, smsIds: new lib.SmsIdTable(4), slotOf: (c) => c,
         mp: { origin: 'http://mp.test', host: 'MP1', siteCode: 'PS1', compress: true },
         signer: { certHex: '00', sign: () => 'AB' },
       };
       const request = new lib.RegisterExchange(ctx, 0).start(now).actions[0];
       const sent = lib.parseCcmPost(request.headers['content-type'], request.body(), { inflate: platform.inflate });
       // The whole shard driver too: the fleet behaviour's first turn of a fresh client is its registration.
       const shard = { shard: 0, shards: 1, fleetSize: 4, clients: 4, globalIndex: (l) => l, seed: 7, virtualStart: now };
       const knowledge = { format: 1, supUrl: '', discoveredAt: 0, catalogVersion: 1, lastChange: '',
         maxExtendedUpdatesPerRequest: 50, updates: [], machines: [], coldScans: [] };
       const behaviour = new lib.FleetBehaviour(shard, {
         fleet: { start: 'fresh', rolloutRampMs: 0 },
         targets: { mp: 'http://mp.test:8080', sups: ['http://sup.test:8530'], siteCode: 'PS1' }, knowledge,
       }, ctx.signer, platform);
       const first = behaviour.step(0, { kind: 'start' }, now);
       const jar = new lib.CookieJar(2);
       jar.set(1, { expiration: '2026-10-05T13:00:00Z', encryptedData: 'AAECAwQ=' });
       const fault = '<s:Fault><ErrorCode>CookieExpired</ErrorCode></s:Fault>';
       const faultBytes = Uint8Array.from(fault.split('').map((c) => c.charCodeAt(0)));
       const events = lib.scanReportEvents(platform.uuid, 'abcdef01-0000-0000-0000-000000000000', 22621, 1, now, 3);
       return {
         actions: step.actions.map((a) => a.kind),
         request: [request.operation, request.method, request.origin],
         registration: sent.compressed && sent.body.includes('<ClientRegistrationRequest'),
         messageId: sent.header.id,
         cookie: jar.get(1),
         fault: lib.replyErrorKind(500, faultBytes),
         eventIds: events.map((e) => e.eventInstanceId),
         shardFirstTurn: first.actions.map((r) => [r.operation, r.origin]),
       };`,
    );
    expect(result).toEqual({
      actions: ['register'],
      request: ['mp.registration', 'CCM_POST', 'http://mp.test'],
      registration: true,
      messageId: '{00000000-0000-4000-8000-000000000001}',
      cookie: { expiration: '2026-10-05T13:00:00Z', encryptedData: 'AAECAwQ=' },
      fault: 'soap:CookieExpired',
      eventIds: ['00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'],
      shardFirstTurn: [['mp.registration', 'http://mp.test:8080']],
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
    // What k6 v0.48 lacks is refused like Node's own globals.
    expect(
      impurities('const e = new TextEncoder(); const u = new URL(s); crypto.getRandomValues(a);'),
    ).toEqual(['TextEncoder/TextDecoder', 'URL', 'Web Crypto']);
    expect(impurities('const x = 10n; structuredClone(y); btoa(z);')).toEqual([
      'atob/btoa',
      'BigInt',
      'structuredClone',
    ]);
    expect(impurities('el("URL", [x]); const policyUrl = 1;')).toEqual([]);
  });
});
