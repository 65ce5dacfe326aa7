// Real time-series servers for the InfluxDB output and dashboard tests: Debian's `influxd` (InfluxDB
// 1.x) and `victoria-metrics` (accepts the unchanged InfluxDB v2 write path). Each instance gets a
// generated config, a temporary data folder and free loopback ports; stop() kills it and removes the
// folder. A missing binary is a test failure naming the Debian package to install (never a skip:
// `npm test` runs scripts/setup.mjs, which installs them as root; elsewhere the message says what to do).
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface TsServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Kills the process (SIGKILL) without removing its folder: an outage mid-run. */
  kill(): Promise<void>;
  /** Kills the process and removes its temporary folder. */
  stop(): Promise<void>;
}

const PACKAGES = { influxd: 'influxdb', 'victoria-metrics': 'victoria-metrics' } as const;

/** Throws (fails the test) when the binary is missing, naming the Debian package. */
export function requireBinary(cmd: keyof typeof PACKAGES): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/sbin'])) {
    const path = join(dir, cmd);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  throw new Error(
    `${cmd} is not installed: install the Debian package '${PACKAGES[cmd]}' ` +
      `(sudo apt-get install -y ${PACKAGES[cmd]}, or run npm run setup as root)` +
      (process.env.CI === 'true' ? ' — CI=true: a missing component is a failure' : ''),
  );
}

/** A port that was free a moment ago (the server binds it right after; start() retries on a clash). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${child.spawnfile} exited (${child.exitCode ?? child.signalCode}) before ready:\n${output()}`,
      );
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status < 300) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${output()}`);
}

interface Spec {
  cmd: keyof typeof PACKAGES;
  /** Arguments for a data folder and ports. */
  args(dir: string, port: number, spare: number): string[];
  readyPath: string;
}

async function startServer(spec: Spec): Promise<TsServer> {
  const bin = requireBinary(spec.cmd);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), `patchstorm-${spec.cmd}-`));
    const port = await freePort();
    const spare = await freePort();
    const child = spawn(bin, spec.args(dir, port, spare), { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (b: Buffer) => {
      log = (log + b.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const kill = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    };
    const stop = async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      await waitReady(`http://127.0.0.1:${port}${spec.readyPath}`, child, () => log, 30_000);
      return { url: `http://127.0.0.1:${port}`, port, kill, stop };
    } catch (e) {
      lastError = e;
      await stop();
    }
  }
  throw lastError;
}

/** InfluxDB 1.x (`influxd run -config <generated>`), HTTP API on a free loopback port. */
export function startInfluxd(): Promise<TsServer> {
  return startServer({
    cmd: 'influxd',
    readyPath: '/ping',
    args: (dir, port, spare) => {
      const config = join(dir, 'influxdb.conf');
      writeFileSync(
        config,
        [
          'reporting-disabled = true',
          `bind-address = "127.0.0.1:${spare}"`,
          '[meta]',
          `  dir = "${join(dir, 'meta')}"`,
          '[data]',
          `  dir = "${join(dir, 'data')}"`,
          `  wal-dir = "${join(dir, 'wal')}"`,
          '  query-log-enabled = false',
          '[http]',
          `  bind-address = "127.0.0.1:${port}"`,
          '  log-enabled = false',
          '[monitor]',
          '  store-enabled = false',
          '[continuous_queries]',
          '  enabled = false',
          '[logging]',
          '  level = "warn"',
          '',
        ].join('\n'),
      );
      return ['run', '-config', config];
    },
  });
}

/** VictoriaMetrics single-node: accepts InfluxDB line protocol on /api/v2/write and /write. */
export function startVictoriaMetrics(): Promise<TsServer> {
  return startServer({
    cmd: 'victoria-metrics',
    readyPath: '/health',
    args: (dir, port) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${join(dir, 'data')}`,
      '-loggerLevel=ERROR',
      '-search.disableCache',
    ],
  });
}

/** InfluxQL against a 1.x server; returns the parsed JSON (throws on an HTTP or statement error). */
export async function influxQuery(
  url: string,
  db: string,
  q: string,
): Promise<{
  series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
}> {
  const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}&epoch=ms&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { results?: { error?: string; series?: unknown[] }[]; error?: string };
  if (res.status !== 200 || body.error) throw new Error(`query ${q}: HTTP ${res.status} ${body.error ?? ''}`);
  const result = body.results?.[0] ?? {};
  if (result.error) throw new Error(`query ${q}: ${result.error}`);
  return result as never;
}
