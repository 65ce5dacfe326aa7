// Site benchmark: how many requests per second the reference site answers, and how fast, per endpoint.
// The site runs as a child process (`patchstorm serve`) so the load generator (autocannon, in this
// process) does not share its event loop. Usage:
//   npm run bench:site -- [--duration 10] [--connections 32] [--only GetConfig]
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { METHODS } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { HttpClient } from '../harness/driver/http.ts';
import {
  type BenchRequest,
  dpRangeRequest,
  getConfigRequest,
  type SiteUnderTest,
  stateMessageRequest,
  warmSyncUpdatesRequest,
} from './site-requests.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CATALOG_SEED = 1;

interface Figures {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  unexpectedStatus: number;
  total: number;
}

async function startSiteProcess(): Promise<{ child: ChildProcess; site: SiteUnderTest }> {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin/patchstorm.mjs'),
      'serve',
      '--sup-http-port=0',
      '--sup-https-port=0',
      '--mp-http-port=0',
      '--mp-https-port=0',
      '--observer-port=0',
      `--seed=${CATALOG_SEED}`,
    ],
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
        dp: line('mp-http'),
      },
      caFile: line('ca-file'),
      siteCode: /reference site (\w+)/.exec(out)?.[1] ?? 'PS1',
      catalogSeed: CATALOG_SEED,
    },
  };
}

/** autocannon builds raw request bytes but refuses methods outside http.METHODS. For CCM_POST we let it
 *  build a POST and prefix the request line with "CCM_" (the rest of the bytes are the same). */
const KNOWN_METHODS = new Set(METHODS);
type RequestIteratorInternals = {
  requestIterator: { requestBuilder: (req: unknown, ctx: unknown) => Buffer | null; rebuildRequest(): void };
};

function sendCustomMethod(client: autocannon.Client, method: string): void {
  const iterator = (client as unknown as RequestIteratorInternals).requestIterator;
  const build = iterator.requestBuilder;
  const buildPost = build.bind(iterator);
  iterator.requestBuilder = (req, ctx) => {
    const bytes = buildPost(req, ctx);
    return bytes === null ? null : Buffer.concat([Buffer.from(method.slice(0, -'POST'.length)), bytes]);
  };
  iterator.rebuildRequest();
}

async function hammer(request: BenchRequest, seconds: number, caFile: string): Promise<Figures> {
  let unexpectedStatus = 0;
  const custom = !KNOWN_METHODS.has(request.method);
  if (custom && !request.method.endsWith('POST'))
    throw new Error(`cannot send ${request.method} with autocannon`);
  const result = await autocannon({
    url: request.url,
    method: (custom ? 'POST' : request.method) as autocannon.Request['method'],
    headers: request.headers,
    body: request.body,
    connections,
    duration: seconds,
    tlsOptions: { ca: [readFileSync(caFile)] },
    setupClient: (client: autocannon.Client) => {
      if (custom) sendCustomMethod(client, request.method);
      client.on('response', (status: number) => {
        if (status !== request.expectStatus) unexpectedStatus++;
      });
    },
  } as autocannon.Options);
  return {
    name: request.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    unexpectedStatus,
    total: result.requests.total,
  };
}

function printTable(rows: Figures[]): void {
  const header = [
    'endpoint',
    'req/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'errors',
    'bad status',
    'requests',
  ];
  const cells = rows.map((r) => [
    r.name,
    r.requestsPerSecond.toLocaleString('en-US'),
    String(r.p50),
    String(r.p90),
    String(r.p99),
    String(r.max),
    String(r.errors),
    String(r.unexpectedStatus),
    r.total.toLocaleString('en-US'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const fmt = (row: string[]): string =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(
    `site benchmark: ${connections} connections, ${duration} s per endpoint, site in a child process`,
  );
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) console.log(fmt(row));
}

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
if (!(duration > 0 && duration <= 600))
  throw new Error(`--duration ${args.duration}: expected seconds from 1 to 600`);
if (!(Number.isInteger(connections) && connections >= 1 && connections <= 10_000)) {
  throw new Error(`--connections ${args.connections}: expected a whole number from 1 to 10000`);
}

async function main(): Promise<void> {
  const { child, site } = await startSiteProcess();
  const http = new HttpClient({ caFile: site.caFile, timeoutMs: 30_000 });
  try {
    const preparers: [string, () => Promise<BenchRequest> | BenchRequest][] = [
      ['GetConfig', () => getConfigRequest(site.urls.supHttp)],
      ['GetConfigHttps', () => getConfigRequest(site.urls.supHttps, 'GetConfig (HTTPS)')],
      ['SyncUpdates', () => warmSyncUpdatesRequest(site, http)],
      ['StateMessage', () => stateMessageRequest(site, http, 200)],
      ['StateMessageDelta', () => stateMessageRequest(site, http, 5)],
      ['DpRangeSmall', () => dpRangeRequest(site, http, 1024)],
      // At 64 KB a response the load generator's own body handling limits the figure (it uses most of a
      // core), so this row measures bytes moved more than the site's cost per request.
      ['DpRange', () => dpRangeRequest(site, http, 64 * 1024)],
    ];
    const unknown = (args.only ?? []).filter((k) => !preparers.some(([key]) => key === k));
    if (unknown.length > 0) {
      throw new Error(
        `--only ${unknown.join(', ')}: expected one of ${preparers.map(([key]) => key).join(', ')}`,
      );
    }
    const figures: Figures[] = [];
    for (const [key, prepare] of preparers) {
      if (args.only !== undefined && !args.only.includes(key)) continue;
      const request = await prepare();
      await hammer(request, 1, site.caFile); // warm-up: JIT, connection pools, lazily built bodies
      figures.push(await hammer(request, duration, site.caFile));
    }
    if (args.json) console.log(JSON.stringify(figures, null, 2));
    else printTable(figures);
  } finally {
    await http.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

await main();
