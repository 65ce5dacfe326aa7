// One reference site in a child process (`patchstorm serve` on free loopback ports). The site must not
// share the coordinator's event loop: at 100,000 clients both sides need a core of their own, and a
// site stalled by the generator would show up as server latency. The child prints one `label value`
// line per URL; we read them back. It runs in its own process group (a Ctrl-C in the terminal reaches
// the coordinator only, which stops the site after writing the summary) and stops by itself when its
// stdin closes, so a coordinator that dies cannot leave it behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OBSERVER_TOKEN_ENV } from '../../protocol/observer.ts';

const BIN = fileURLToPath(new URL('../../bin/patchstorm.mjs', import.meta.url));

export interface SiteProcessOptions {
  seed: number;
  builds?: readonly number[];
  leafUpdates?: number;
  fileSizes?: { min: number; max: number };
  loaderThreads?: number;
  recordsPerMinutePerLoader?: number;
  /** Generate the TLS material into this folder, or reuse files another site process generated. */
  tls: { certDir: string } | { certFile: string; keyFile: string; caFile: string };
  startTimeoutMs?: number;
  /** The observer then needs this bearer token (passed in the environment, never on the command line). */
  observerToken?: string;
}

export interface SiteProcessUrls {
  supHttp: string;
  supHttps: string;
  mpHttp: string;
  mpHttps: string;
  /** Origin of the DP (co-located with the MP). */
  dp: string;
  /** Observer API base (no /api path). */
  observer: string;
}

export interface SiteProcess {
  readonly pid: number;
  readonly urls: SiteProcessUrls;
  readonly caFile: string;
  readonly siteCode: string;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** `patchstorm serve` on free loopback ports (the banner says which): every front-end and the observer. */
export const ANY_PORT_ARGS = [
  '--sup-http-port=0',
  '--sup-https-port=0',
  '--mp-http-port=0',
  '--mp-https-port=0',
  '--observer-port=0',
] as const;

export function serveArgs(o: SiteProcessOptions): string[] {
  const args = [
    'serve',
    ...ANY_PORT_ARGS,
    // Frozen until the run starts; `patchstorm run` then sets it running at the run's speed.
    '--manual-clock',
    '--stop-on-stdin-end',
    `--seed=${o.seed}`,
  ];
  if (o.builds?.length) args.push(`--builds=${o.builds.join(',')}`);
  if (o.leafUpdates !== undefined) args.push(`--catalog-size=${o.leafUpdates}`);
  if (o.fileSizes) args.push(`--file-size-min=${o.fileSizes.min}`, `--file-size-max=${o.fileSizes.max}`);
  if (o.loaderThreads !== undefined) args.push(`--loader-threads=${o.loaderThreads}`);
  if (o.recordsPerMinutePerLoader !== undefined)
    args.push(`--records-per-minute=${o.recordsPerMinutePerLoader}`);
  if ('certDir' in o.tls) args.push(`--cert-dir=${o.tls.certDir}`);
  else args.push(`--cert=${o.tls.certFile}`, `--key=${o.tls.keyFile}`, `--ca=${o.tls.caFile}`);
  return args;
}

/** Reads the `label value` lines `patchstorm serve` prints. */
export function parseServeBanner(text: string): { urls: SiteProcessUrls; caFile: string; siteCode: string } {
  const line = (label: string): string => {
    const m = new RegExp(`^${label}\\s+(\\S+)`, 'm').exec(text);
    if (!m) throw new Error(`patchstorm serve printed no '${label}' line:\n${text}`);
    return m[1]!;
  };
  return {
    urls: {
      supHttp: line('sup-http'),
      supHttps: line('sup-https'),
      mpHttp: line('mp-http'),
      mpHttps: line('mp-https'),
      dp: new URL(line('dp')).origin,
      observer: new URL(line('observer')).origin,
    },
    caFile: line('ca-file'),
    siteCode: /reference site (\w+)/.exec(text)?.[1] ?? 'PS1',
  };
}

export async function startSiteProcess(options: SiteProcessOptions): Promise<SiteProcess> {
  // PATCHSTORM_SITE_NODE_ARGS: Node flags for the site processes alone, space-separated (bench:profile
  // runs them under --cpu-prof, which NODE_OPTIONS does not take).
  const nodeArgs = (process.env.PATCHSTORM_SITE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...serveArgs(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: siteEnv(options.observerToken),
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    err = (err + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the embedded site did not start within ${timeoutMs} ms:\n${out}${err}`)),
        timeoutMs,
      );
      child.stdout!.on('data', (d: string) => {
        out += d;
        if (out.includes('Ctrl-C to stop.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(
            `the embedded site exited (${signal ?? `code ${code}`}) before it started:\n${out}${err}`,
          ),
        );
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } catch (e) {
    await stopChild(child, exited, 2000);
    throw e;
  }
  // Keep draining the pipes so a chatty site never blocks on a full pipe.
  child.stdout!.resume();
  const banner = parseServeBanner(out);
  return {
    pid: child.pid!,
    ...banner,
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    stop: (graceMs = 10_000) => stopChild(child, exited, graceMs),
  };
}

/** The child's environment: ours, with the observer token this run chose (none: the child's observer must
 *  not pick up a PATCHSTORM_OBSERVER_TOKEN meant for some other site and lock the run out). */
function siteEnv(observerToken: string | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env[OBSERVER_TOKEN_ENV];
  if (observerToken !== undefined) env[OBSERVER_TOKEN_ENV] = observerToken;
  return env;
}

async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    exited,
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, graceMs);
    }),
  ]);
  clearTimeout(timer);
  await exited;
}
