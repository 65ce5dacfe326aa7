// Site benchmark: how many requests per second the reference site answers, and how fast, per endpoint —
// a thin wrapper of `patchstorm bench` (the same preparation and autocannon run as against any site).
// The site runs as a child process (`patchstorm serve`) so the load generator (autocannon, in this
// process) does not share its event loop. Usage:
//   npm run bench:site -- [--duration 10] [--connections 32] [--only GetConfig]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchFlags } from '../harness/cli/bench-options.ts';
import { type BenchReport, formatBenchTable } from '../harness/bench/report.ts';
import { benchCli } from '../harness/cli/bench.ts';
import { HttpClient } from '../harness/driver/http.ts';
import { MpClient } from '../harness/driver/mp-client.ts';
import { ANY_PORT_ARGS } from '../harness/run/site-process.ts';
import { generateCatalog } from '../site/catalog/generate.ts';

interface SiteUnderTest {
  urls: { supHttp: string; supHttps: string; mpHttp: string };
  caFile: string;
  siteCode: string;
  catalogSeed: number;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CATALOG_SEED = 1;

async function startSiteProcess(): Promise<{ child: ChildProcess; site: SiteUnderTest }> {
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin/patchstorm.mjs'), 'serve', ...ANY_PORT_ARGS, `--seed=${CATALOG_SEED}`],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C to stop.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`patchstorm serve exited ${code}:\n${out}`)));
  });
  const line = (label: string): string => {
    const m = new RegExp(`^${label}\\s+(\\S+)`, 'm').exec(out);
    if (!m) throw new Error(`patchstorm serve printed no ${label} line:\n${out}`);
    return m[1]!;
  };
  return {
    child,
    site: {
      urls: {
        supHttp: line('sup-http'),
        supHttps: line('sup-https'),
        mpHttp: line('mp-http'),
      },
      caFile: line('ca-file'),
      siteCode: /reference site (\w+)/.exec(out)?.[1] ?? 'PS1',
      catalogSeed: CATALOG_SEED,
    },
  };
}

/** The reference site's DP file of at least 256 KB (its catalog is deterministic for its seed), by the MP's content location. */
async function dpFileOf(site: SiteUnderTest, http: HttpClient): Promise<string> {
  const catalog = generateCatalog({ seed: site.catalogSeed, now: Date.now() });
  const file = catalog.updates.flatMap((u) => u.files).find((f) => f.size >= 256 * 1024);
  if (file === undefined) throw new Error('the catalog has no file of 256 KB or more to range over');
  const mp = new MpClient(http, {
    mpUrl: site.urls.mpHttp,
    siteCode: site.siteCode,
    machine: { netbiosName: 'BENCH-DP-01', fqdn: 'bench-dp-01.patchstorm.test' },
  });
  await mp.register();
  const location = await mp.contentLocation(file.contentId);
  const base = location.records[0]?.url;
  if (base === undefined) throw new Error(`the MP gave no content location for ${file.contentId}`);
  return `${base.replace(/\/+$/, '')}/${file.fileName}`;
}

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
});

/** One row per endpoint: `patchstorm bench` flags against the started site. */
function rows(site: SiteUnderTest, dpFile: () => Promise<string>): [string, () => Promise<BenchFlags>][] {
  const sup = site.urls.supHttp;
  const mp = site.urls.mpHttp;
  return [
    ['GetConfig', async () => ({ sup, op: ['GetConfig'] })],
    ['GetConfigHttps', async () => ({ sup: site.urls.supHttps, op: ['GetConfig'] })],
    ['SyncUpdates', async () => ({ sup, op: ['SyncUpdates-warm'] })],
    ['SyncUpdatesCold', async () => ({ sup, op: ['SyncUpdates-cold'] })],
    ['StateMessage', async () => ({ sup, mp, op: ['StatePost'], messages: '200' })],
    ['StateMessageDelta', async () => ({ sup, mp, op: ['StatePost'], messages: '5' })],
    ['DpRangeSmall', async () => ({ dpFile: await dpFile(), op: ['DpRange'], rangeBytes: '1024' })],
    // At 64 KB a response the load generator's own body handling limits the figure (it uses most of a
    // core), so this row measures bytes moved more than the site's cost per request.
    ['DpRange', async () => ({ dpFile: await dpFile(), op: ['DpRange'], rangeBytes: String(64 * 1024) })],
  ];
}

async function measure(
  flags: BenchFlags,
  seconds: string,
  dir: string,
  key: string,
): Promise<BenchReport['results']> {
  const json = join(dir, `${key}-${seconds}.json`);
  const code = await benchCli(
    { ...flags, ca: SITE_CA_FILE!, connections: args.connections, duration: `${seconds}s`, json },
    () => {},
  );
  if (code !== 0) throw new Error(`patchstorm bench for ${key} exited ${code}`);
  return (JSON.parse(readFileSync(json, 'utf8')) as BenchReport).results;
}

let SITE_CA_FILE: string | undefined;

async function main(): Promise<void> {
  const { child, site } = await startSiteProcess();
  SITE_CA_FILE = site.caFile;
  const http = new HttpClient({ caFile: site.caFile, timeoutMs: 30_000 });
  const dir = mkdtempSync(join(tmpdir(), 'patchstorm-bench-site-'));
  try {
    let dpFile: Promise<string> | undefined;
    const table = rows(site, () => {
      dpFile ??= dpFileOf(site, http);
      return dpFile;
    });
    const unknown = (args.only ?? []).filter((k) => !table.some(([key]) => key === k));
    if (unknown.length > 0) {
      throw new Error(
        `--only ${unknown.join(', ')}: expected one of ${table.map(([key]) => key).join(', ')}`,
      );
    }
    const results: BenchReport['results'] = [];
    for (const [key, flagsOf] of table) {
      if (args.only !== undefined && !args.only.includes(key)) continue;
      const flags = await flagsOf();
      await measure(flags, '1', dir, key); // warm-up: JIT, connection pools, lazily built bodies
      results.push(...(await measure(flags, args.duration, dir, key)));
    }
    if (args.json) console.log(JSON.stringify(results, null, 2));
    else {
      console.log(
        `site benchmark (patchstorm bench against the reference site in a child process): ${args.connections} connections, ${args.duration} s per endpoint`,
      );
      console.log(formatBenchTable(results));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await http.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

await main();
