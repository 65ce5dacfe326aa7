// harness/platforms runs in any runtime with web APIs: bundled for the browser (esbuild refuses a node:
// import there) it has no Node module in it, and it reads no Node global (Buffer, process, require).
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

describe('harness/platforms uses web APIs only', () => {
  it('bundles for the browser with no node: module and no Node global', async () => {
    const result = await build({
      entryPoints: ['fetch-platform.ts', 'fetch-sender.ts', 'fetch-loop.ts', 'web-signer.ts'].map((f) =>
        join(REPO_ROOT, 'harness/platforms', f),
      ),
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      outdir: 'out',
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.outputFiles).toHaveLength(4);
    const inputs = Object.keys(result.metafile.inputs);
    // Not an empty bundle: the portable zlib and SHA-1 are in it.
    expect(inputs.some((i) => i.includes('node_modules/fflate/'))).toBe(true);
    expect(inputs.some((i) => i.includes('node_modules/@noble/hashes/'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('(disabled)'))).toEqual([]);
    for (const out of result.outputFiles) {
      // fast-xml-parser (protocol/) looks for Buffer only behind a typeof guard.
      const text = out.text.replaceAll('typeof Buffer !== "undefined" && Buffer.isBuffer', '');
      // A use, not a method of that name (@noble/hashes' `process(view, offset) {`).
      expect(text, out.path).not.toMatch(
        /(?<![.\w$])(?:Buffer|process|require|global)\s*[.(](?![^)]*\)\s*\{)/,
      );
    }
  });
});
