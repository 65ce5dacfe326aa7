// `--out influxdb=URL`: streams every interval, event and the run's parameters to InfluxDB through
// @influxdata/influxdb-client's WriteApi (batching, retries with back-off, gzip), on the run's virtual
// clock. URL forms: influx-url.ts; measurements: influx-schema.ts (the dashboards' contract).
//
// Never stalls the run: interval() only builds points and hands them to the write API's buffer
// (sync). During an outage failed batches wait in the client's bounded retry buffer; on top of that
// this output stops accepting points while more than `maxBufferLines` are unconfirmed, so memory is
// bounded whatever the server does. Every point not confirmed by the server at the end is dropped and
// counted: written + dropped = every point the run produced.
import {
  HttpError,
  InfluxDB,
  type Point,
  type SendOptions,
  setLogger,
  type Transport,
  type WriteApi,
} from '@influxdata/influxdb-client';
import type { IntervalStats } from '../aggregator.ts';
import { eventPoint, intervalPoints, runPoint } from './influx-points.ts';
import { type InfluxTarget, maskSecrets, maskUrl, parseInfluxUrl } from './influx-url.ts';
import {
  type OutputReport,
  OutputError,
  type RunEvent,
  type RunFinal,
  type RunMeta,
  type RunOutput,
} from './output.ts';
import type { OutputContext, OutputFactory } from './registry.ts';

export interface InfluxOutputOptions {
  /** Points produced but not yet confirmed by the server, at most; more are dropped (counted). */
  maxBufferLines: number;
  /** How long end() waits for the last writes, ms. */
  endTimeoutMs: number;
  /** One HTTP request's timeout, ms (preflight and writes). */
  requestTimeoutMs: number;
  /** How often buffered points are sent, ms. */
  flushIntervalMs: number;
  /** Retries of a failed batch before it is dropped. */
  maxRetries: number;
}

export const DEFAULT_INFLUX_OPTIONS: InfluxOutputOptions = {
  maxBufferLines: 100_000,
  endTimeoutMs: 10_000,
  requestTimeoutMs: 5_000,
  flushIntervalMs: 1_000,
  maxRetries: 3,
};

/** Environment overrides, after k6's K6_INFLUXDB_* variables. */
export const OPTION_ENV: Record<'maxBufferLines' | 'endTimeoutMs', string> = {
  maxBufferLines: 'PATCHSTORM_INFLUXDB_MAX_BUFFER_LINES',
  endTimeoutMs: 'PATCHSTORM_INFLUXDB_END_TIMEOUT_MS',
};

const BATCH_SIZE = 5_000;
const GZIP_THRESHOLD_BYTES = 1_000;

export const influxOutput: OutputFactory = (arg, ctx) =>
  new InfluxOutput(parseInfluxUrl(arg, ctx.env), ctx, optionsFromEnv(ctx.env));

function optionsFromEnv(env: OutputContext['env']): InfluxOutputOptions {
  const options = { ...DEFAULT_INFLUX_OPTIONS };
  for (const [key, name] of Object.entries(OPTION_ENV) as [keyof typeof OPTION_ENV, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 10_000_000)
      throw new OutputError(`${name}=${raw}: expected a whole number from 1 to 10,000,000`);
    options[key] = n;
  }
  return options;
}

/** Counts the write requests in flight, so end() can wait for the last ones instead of calling them dropped. */
class TrackingTransport implements Transport {
  readonly #inFlight = new Set<Promise<void>>();
  constructor(readonly inner: Transport) {}

  get chunkCombiner() {
    return this.inner.chunkCombiner;
  }

  send(...[path, body, options, callbacks]: Parameters<Transport['send']>): void {
    let settle = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.#inFlight.add(done);
    const finish = () => {
      this.#inFlight.delete(done);
      settle();
    };
    this.inner.send(path, body, options, {
      ...callbacks,
      error: (e) => {
        finish();
        callbacks?.error?.(e);
      },
      complete: () => {
        finish();
        callbacks?.complete?.();
      },
    });
  }

  request(path: string, body: unknown, options: SendOptions, started?: Parameters<Transport['request']>[3]) {
    return this.inner.request(path, body, options, started);
  }

  iterate(path: string, body: unknown, options: SendOptions) {
    return this.inner.iterate(path, body, options);
  }

  settled(): Promise<unknown> {
    return Promise.allSettled([...this.#inFlight]);
  }
}

const QUIET = { error() {}, warn() {} };

export class InfluxOutput implements RunOutput {
  readonly name = 'influxdb';
  readonly #target: InfluxTarget;
  readonly #ctx: OutputContext;
  readonly #options: InfluxOutputOptions;
  readonly #transport: TrackingTransport;
  readonly #secrets: (string | undefined)[];
  readonly #client: InfluxDB;
  #api: WriteApi | undefined;
  #ready: Promise<void> | undefined;
  #meta: RunMeta | undefined;
  #firstVirtual = Number.POSITIVE_INFINITY;
  #lastVirtual = Number.NEGATIVE_INFINITY;
  /** Every point the run produced, confirmed by the server, refused here (buffer full), lost in the client. */
  #produced = 0;
  #written = 0;
  #refused = 0;
  #lostInClient = 0;
  #lastError: string | undefined;

  constructor(
    target: InfluxTarget,
    ctx: OutputContext,
    options: InfluxOutputOptions = DEFAULT_INFLUX_OPTIONS,
  ) {
    this.#target = target;
    this.#ctx = ctx;
    this.#options = options;
    this.#secrets = target.generation === 1 ? [target.password] : [target.token];
    // The client logs failed writes to the console; this output reports them itself (masked, once, at
    // the end), so the progress line is not broken by library warnings.
    setLogger(QUIET);
    const connection = {
      url: target.baseUrl,
      timeout: options.requestTimeoutMs,
      ...(target.generation === 2 && target.token ? { token: target.token } : {}),
      ...(target.generation === 1 && target.username !== undefined
        ? {
            headers: {
              authorization: `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`,
            },
          }
        : {}),
    };
    this.#transport = new TrackingTransport(new InfluxDB(connection).transport);
    this.#client = new InfluxDB({ ...connection, transport: this.#transport });
  }

  /** Where the points go, credentials masked. */
  get url(): string {
    return this.#target.masked;
  }

  /** 1.x: /ping, then CREATE DATABASE (idempotent). 2.x/3.x: /health. Throws OutputError naming the URL. */
  preflight(): Promise<void> {
    this.#ready ??= this.#check();
    return this.#ready;
  }

  async #check(): Promise<void> {
    const t = this.#target;
    const step = async (what: string, path: string, method: 'GET' | 'POST') => {
      try {
        const reply: unknown = await this.#transport.request(path, null, { method });
        // InfluxDB 1.x answers a failed statement with 200 and {"results":[{"error":"..."}]}.
        const error = (reply as { results?: { error?: unknown }[] } | null)?.results?.[0]?.error;
        if (error !== undefined) throw new Error(String(error));
      } catch (e) {
        throw new OutputError(
          `--out influxdb=${t.masked}: ${what} failed: ${this.#describe(e)}` +
            (e instanceof HttpError && e.statusCode === 401
              ? t.generation === 1
                ? ' (give user:pass in the URL)'
                : ' (set PATCHSTORM_INFLUXDB_TOKEN)'
              : ''),
        );
      }
    };
    if (t.generation === 1) {
      await step('ping', '/ping', 'GET');
      await step(
        `CREATE DATABASE "${t.db}"`,
        `/query?q=${encodeURIComponent(`CREATE DATABASE "${t.db}"`)}`,
        'POST',
      );
    } else {
      await step('health check', '/health', 'GET');
    }
  }

  async start(meta: RunMeta): Promise<void> {
    await this.preflight();
    this.#meta = meta;
    const t = this.#target;
    const counted = (lines: string[]) => lines.length;
    const api = this.#client.getWriteApi(
      t.generation === 1 ? '' : t.org,
      t.generation === 1 ? '' : t.bucket,
      'ms',
      {
        batchSize: BATCH_SIZE,
        flushInterval: this.#options.flushIntervalMs,
        maxBufferLines: this.#options.maxBufferLines,
        maxRetries: this.#options.maxRetries,
        maxRetryTime: 120_000,
        minRetryDelay: 500,
        maxRetryDelay: 5_000,
        exponentialBase: 2,
        randomRetry: true,
        gzipThreshold: GZIP_THRESHOLD_BYTES,
        defaultTags: { run: meta.runId, profile: meta.profile, target: meta.target },
        writeSuccess: (lines) => {
          this.#written += counted(lines);
        },
        writeRetrySkipped: (entry) => {
          this.#lostInClient += counted(entry.lines);
        },
        writeFailed: (error, lines, attempt) => {
          this.#lastError = this.#describe(error);
          // The client retries transport errors and 429/5xx replies up to maxRetries; anything else is gone.
          const retried =
            attempt <= this.#options.maxRetries && !(error instanceof HttpError && error.statusCode < 429);
          if (!retried) this.#lostInClient += counted(lines);
        },
      },
    );
    // InfluxDB 1.x has no /api/v2/write: the write API's path is public and routes its batches to /write.
    if (t.generation === 1) api.path = `/write?db=${encodeURIComponent(t.db)}&precision=ms`;
    this.#api = api;
    this.#write([runPoint(meta)], meta.virtualStart);
  }

  interval(stats: IntervalStats): void {
    this.#write(intervalPoints(stats), stats.virtualTime);
  }

  event(e: RunEvent): void {
    this.#write([eventPoint(e)], e.virtualTime);
  }

  /** Hands points to the write API unless too many are unconfirmed; never waits. */
  #write(points: Point[], virtualTime: number): void {
    this.#produced += points.length;
    this.#firstVirtual = Math.min(this.#firstVirtual, virtualTime);
    this.#lastVirtual = Math.max(this.#lastVirtual, virtualTime);
    const api = this.#api;
    const unconfirmed = this.#produced - points.length - this.#written - this.#refused - this.#lostInClient;
    if (!api || unconfirmed + points.length > this.#options.maxBufferLines) {
      this.#refused += points.length;
      return;
    }
    api.writePoints(points);
  }

  async end(_final?: RunFinal): Promise<OutputReport> {
    const api = this.#api;
    if (api) {
      const deadline = Date.now() + this.#options.endTimeoutMs;
      const within = (p: Promise<unknown>) =>
        Promise.race([
          p.catch(() => {}),
          new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref()),
        ]);
      // Sends what is buffered and what waits for a retry (once: a server that is down fails fast),
      // then waits for the requests already on the wire.
      await within(api.flush(true));
      await within(this.#transport.settled());
      api.dispose();
    }
    const dropped = this.#produced - this.#written;
    const fmt = (n: number) => n.toLocaleString('en-US');
    let detail = `InfluxDB: ${fmt(this.#written)} points written, ${fmt(dropped)} dropped`;
    if (dropped > 0 && this.#lastError) detail += ` (last error: ${this.#lastError})`;
    detail += ` · ${this.#where()}`;
    // Dropped points are the server's outage, counted in the detail; the output itself did its job.
    return { name: this.name, ok: true, detail };
  }

  /** The run id and its virtual time range, or a ready dashboard URL when --grafana-url is given. */
  #where(): string {
    const runId = this.#meta?.runId ?? '?';
    const from = Number.isFinite(this.#firstVirtual) ? Math.floor(this.#firstVirtual) : undefined;
    const to = Number.isFinite(this.#lastVirtual) ? Math.ceil(this.#lastVirtual) : undefined;
    if (from === undefined || to === undefined) return `run ${runId}`;
    const grafana = this.#ctx.grafanaUrl;
    if (grafana) return `dashboard: ${maskUrl(capacityReviewUrl(grafana, runId, from, to))}`;
    return `run ${runId}, Grafana from=${from} to=${to}`;
  }

  #describe(e: unknown): string {
    const text =
      e instanceof HttpError
        ? `HTTP ${e.statusCode}${e.body ? ` ${e.body.slice(0, 200).trim()}` : ''}`
        : e instanceof Error
          ? `${(e as NodeJS.ErrnoException).code ?? e.name}: ${e.message}`
          : String(e);
    return maskSecrets(text, this.#secrets);
  }
}

/** The capacity-review dashboard (dashboards/, uid below) for one run and its virtual time range. */
export const CAPACITY_REVIEW_UID = 'patchstorm-capacity-review';

export function capacityReviewUrl(grafanaUrl: string, runId: string, from: number, to: number): string {
  const base = grafanaUrl.replace(/\/+$/, '');
  return `${base}/d/${CAPACITY_REVIEW_UID}/?var-run=${encodeURIComponent(runId)}&from=${from}&to=${to}`;
}
