// Bundles a swarm's worker code (worker-main.ts plus the behaviour module, shared code split into common
// chunks) into plain ESM once per process, so shard workers start without tsx's loader. Through tsx every
// worker transpiled the whole module graph again and kept a loader hooks thread and esbuild state of its
// own (~50 MB RSS per worker); a bundled worker only parses JavaScript.
//
// The output goes to node_modules/.cache/patchstorm/worker-<hash>/ (os.tmpdir() when that is not
// writable), the hash being that of the bundle itself: a pure function of the sources and the esbuild
// version, so runs reuse an existing folder and concurrent runs (vitest files) agree on it. Files are
// written to a private folder and renamed into place. Works the same under vitest and from the CLI, and
// from a fresh clone (the first run builds it, ~0.3 s).
//
// A behaviour module that is not a local file, or a bundle that does not build, falls back to the tsx
// entry (worker-entry.mjs), which reports load errors from inside the worker as before. Set
// PATCHSTORM_WORKER_TSX=1 to always use the tsx entry.
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerBundle {
  /** The worker's entry (bundled worker-main). */
  entry: URL;
  /** The bundled behaviour module, for WorkerInit.behaviourModule. */
  behaviourModule: string;
}

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url));
const CACHE_DIRS = [
  fileURLToPath(new URL('../../node_modules/.cache/patchstorm/', import.meta.url)),
  join(tmpdir(), 'patchstorm-cache'),
];
// CommonJS dependencies (undici) call require() for Node built-ins, which ESM output lacks.
const BANNER =
  "import { createRequire as __patchstormCreateRequire } from 'node:module';\n" +
  'const require = __patchstormCreateRequire(import.meta.url);';

const bundles = new Map<string, Promise<WorkerBundle | undefined>>();

/** The bundled worker for `behaviourModule`, built once per process; undefined = use the tsx entry. */
export function workerBundle(behaviourModule: string): Promise<WorkerBundle | undefined> {
  if (process.env.PATCHSTORM_WORKER_TSX === '1') return Promise.resolve(undefined);
  let bundle = bundles.get(behaviourModule);
  if (!bundle) {
    bundle = buildBundle(behaviourModule).catch(() => undefined);
    bundles.set(behaviourModule, bundle);
  }
  return bundle;
}

async function buildBundle(behaviourModule: string): Promise<WorkerBundle | undefined> {
  if (!behaviourModule.startsWith('file:')) return undefined;
  const behaviourFile = fileURLToPath(behaviourModule);
  const { build } = await import('esbuild');
  // Output paths are computed against a placeholder folder, then the files are written under the hash.
  const outdir = resolve('/patchstorm-worker-bundle');
  const result = await build({
    entryPoints: { 'worker-main': WORKER_MAIN, behaviour: behaviourFile },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    // V8 keeps every module's source for lazy compilation: without comments and indentation it is a
    // third smaller and pure ASCII (one byte per char; undici's comments made it two-byte). Names are
    // kept, so stack traces still say which function threw.
    minifyWhitespace: true,
    // Linked maps: loaded only under --enable-source-maps, so they cost no worker memory otherwise.
    sourcemap: 'linked',
    banner: { js: BANNER },
    write: false,
    logLevel: 'silent',
  });
  const files = result.outputFiles
    .map((f) => ({ path: relative(outdir, f.path), contents: f.contents }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.path).update('\0').update(f.contents).update('\0');
  const name = `worker-${hash.digest('hex').slice(0, 16)}`;
  for (const root of CACHE_DIRS) {
    const dir = join(root, name);
    try {
      await place(dir, files);
      return {
        entry: pathToFileURL(join(dir, 'worker-main.mjs')),
        behaviourModule: pathToFileURL(join(dir, 'behaviour.mjs')).href,
      };
    } catch {
      // Not writable: try the next place.
    }
  }
  return undefined;
}

async function place(dir: string, files: { path: string; contents: Uint8Array }[]): Promise<void> {
  const exists = await access(join(dir, 'worker-main.mjs')).then(
    () => true,
    () => false,
  );
  if (exists) return;
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const f of files) {
      const file = join(staging, f.path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, f.contents);
    }
    await rename(staging, dir);
  } catch (err) {
    // Another process placed the same bundle first: theirs is identical.
    const placed = await access(join(dir, 'worker-main.mjs')).then(
      () => true,
      () => false,
    );
    if (!placed) throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
