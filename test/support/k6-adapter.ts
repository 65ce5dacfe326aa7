// A k6-API ADAPTER (not k6: no k6 binary can be installed here) that runs a `patchstorm k6` bundle the way
// k6 v0.48 would, as far as can be shown without it: each instance (an execution segment) runs setup()
// once, then each of its VUs runs the default function in its own thread and its own V8 context shaped like
// k6's (test/support/k6-vu-worker.mjs), all concurrently in real time. k6/http's synchronous request and
// batch are served here, on the main thread, with undici against the real target; the VU thread blocks
// until the replies are there. What this does not show: k6's own HTTP client, its batch limits and
// timings, its memory per VU.
import { Worker } from 'node:worker_threads';
import { MessageChannel } from 'node:worker_threads';
import { transform } from 'esbuild';
import { Agent, request } from 'undici';
import { K6_ABSENT } from './k6-globals.ts';
import type { K6Sample } from './k6-influx.ts';

const WORKER = new URL('./k6-vu-worker.mjs', import.meta.url);

/** One k6 instance of a (possibly distributed) test: its segment and the test-wide numbers of its VUs. */
export interface K6Instance {
  segment: string;
  sequence: string;
  vuIds: number[];
}

export interface MetricTotal {
  metric: string;
  type: 'trend' | 'counter' | 'rate';
  tags: Record<string, string>;
  count: number;
  sum: number;
}

export interface K6AdapterRun {
  /** The script's exported options (as its setup worker saw them). */
  options: Record<string, unknown>;
  /** Totals of every custom metric sample, by metric and tag set, over all VUs. */
  totals: MetricTotal[];
  /** The k6 modules the script required. */
  modules: string[];
  /** With `recordSamples`: every metric sample k6 would emit (custom metrics, http_req_*, iterations, and
   *  `vus`/`vus_max` once a second per instance), for test/support/k6-influx.ts. Empty otherwise. */
  samples: K6Sample[];
}

interface WireRequest {
  method: string;
  url: string;
  body: string | Uint8Array | null;
  headers: Record<string, string>;
  responseType: 'binary' | 'none' | 'text';
}

/** k6 canonicalises header names (Go's textproto): content-type → Content-Type. */
const canonical = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

/** undici's errors as k6's error codes (https://grafana.com/docs/k6/latest/javascript-api/error-codes/). */
function k6ErrorCode(err: { code?: string; message: string }): number {
  if (err.code === 'ECONNREFUSED') return 1212;
  if (err.code === 'ECONNRESET' || err.code === 'UND_ERR_SOCKET') return 1220;
  if (err.code?.includes('TIMEOUT')) return 1050;
  return 1000;
}

async function send(agent: Agent, r: WireRequest) {
  const started = performance.now();
  try {
    const res = await request(r.url, {
      dispatcher: agent,
      method: r.method,
      headers: r.headers,
      body: r.body ?? null,
    });
    const buf = Buffer.from(await res.body.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      headers[canonical(k)] = Array.isArray(v) ? v.join(', ') : (v ?? '');
    return {
      status: res.statusCode,
      headers,
      body:
        r.responseType === 'none'
          ? null
          : r.responseType === 'binary'
            ? new Uint8Array(buf)
            : buf.toString('utf8'),
      durationMs: performance.now() - started,
      error: '',
      errorCode: 0,
    };
  } catch (e) {
    const err = e as { code?: string; message: string };
    return {
      status: 0,
      headers: {},
      body: null,
      durationMs: performance.now() - started,
      error: err.message,
      errorCode: k6ErrorCode(err),
    };
  }
}

type WorkerCall = { kind: 'batch'; requests: WireRequest[] } | { kind: 'ready' };

function runRole(
  code: string,
  agent: Agent,
  data: Record<string, unknown>,
  /** A VU's 'ready' call: resolves to setup()'s data when the instance starts its VUs. */
  ready: () => Promise<unknown> = () => Promise.reject(new Error('setup has no ready call')),
): Promise<Record<string, unknown>> {
  const channel = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  channel.port1.on('message', async (msg: WorkerCall) => {
    const answer =
      msg.kind === 'ready' ? await ready() : await Promise.all(msg.requests.map((r) => send(agent, r)));
    channel.port1.postMessage(answer);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  const worker = new Worker(WORKER, {
    workerData: { ...data, code, port: channel.port2, signal, absent: K6_ABSENT },
    transferList: [channel.port2],
  });
  return new Promise((resolve, reject) => {
    let result: Record<string, unknown> | undefined;
    worker.once('message', (m: Record<string, unknown>) => {
      result = m;
    });
    worker.once('error', reject);
    worker.once('exit', (exitCode) => {
      channel.port1.close();
      if (result) resolve(result);
      else reject(new Error(`k6 adapter: ${String(data.role)} worker exited ${exitCode} without a result`));
    });
  });
}

/** Runs an ES-module k6 bundle: every instance's setup(), then all VUs of all instances concurrently. */
export async function runK6Script(o: {
  script: string;
  env: Record<string, string>;
  instances: K6Instance[];
  recordSamples?: boolean;
  /** Called with the first instance's setup() data before any VU gets it (e.g. to start site clocks). */
  onStart?(setupData: unknown): void | Promise<void>;
}): Promise<K6AdapterRun> {
  // The bundle's `import … from 'k6/…'` become require() calls the worker answers; nothing else changes.
  const { code } = await transform(o.script, { format: 'cjs', target: 'es2017', loader: 'js' });
  const agent = new Agent({ connections: 64 });
  const gaugeSamples: K6Sample[] = [];
  let started: Promise<void> | undefined;
  try {
    const runs = await Promise.all(
      o.instances.map(async (inst) => {
        // k6's order: initialise every VU, run setup(), then start the VUs with its data.
        let readyCount = 0;
        let allReady: () => void = () => {};
        const ready = new Promise<void>((resolve) => {
          allReady = resolve;
        });
        let setup: Promise<Record<string, unknown>> | undefined;
        // k6 emits `vus` and `vus_max` every second with the test-wide tags only.
        let running = 0;
        let gauge: NodeJS.Timeout | undefined;
        const startVus = async () => {
          if (++readyCount === inst.vuIds.length) allReady();
          await ready;
          setup ??= runRole(code, agent, {
            role: 'setup',
            env: o.env,
            segment: inst.segment,
            sequence: inst.sequence,
          });
          const { data, options } = await setup;
          started ??= Promise.resolve(o.onStart?.(data));
          await started;
          running++;
          if (o.recordSamples && !gauge) {
            const tags = ((options as { tags?: Record<string, string> }).tags ?? {}) as Record<
              string,
              string
            >;
            const tick = () => {
              const time = Date.now();
              gaugeSamples.push({ metric: 'vus', time, value: running, tags });
              gaugeSamples.push({ metric: 'vus_max', time, value: inst.vuIds.length, tags });
            };
            tick();
            gauge = setInterval(tick, 1000);
          }
          return data;
        };
        const vus = await Promise.all(
          inst.vuIds.map((id) =>
            runRole(
              code,
              agent,
              {
                role: 'vu',
                env: o.env,
                segment: inst.segment,
                sequence: inst.sequence,
                vuIdInTest: id,
                recordSamples: o.recordSamples === true,
              },
              startVus,
            ).finally(() => {
              running--;
            }),
          ),
        );
        clearInterval(gauge);
        return { setup: await setup!, vus };
      }),
    );
    const totals = new Map<string, MetricTotal>();
    const modules = new Set<string>();
    const samples: K6Sample[] = [...gaugeSamples];
    for (const run of runs) {
      for (const vu of run.vus) {
        for (const sample of (vu.samples ?? []) as K6Sample[]) samples.push(sample);
        for (const m of vu.modules as string[]) modules.add(m);
        for (const t of vu.totals as MetricTotal[]) {
          const key = `${t.metric}${JSON.stringify(Object.entries(t.tags).sort())}`;
          const sum = totals.get(key) ?? { ...t, count: 0, sum: 0 };
          sum.count += t.count;
          sum.sum += t.sum;
          totals.set(key, sum);
        }
      }
    }
    return {
      options: runs[0]!.setup.options as Record<string, unknown>,
      totals: [...totals.values()],
      modules: [...modules].sort(),
      samples,
    };
  } finally {
    await agent.close();
  }
}
