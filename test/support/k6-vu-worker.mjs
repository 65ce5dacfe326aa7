// One k6 "instance role" of test/support/k6-adapter.ts in a worker thread: the bundle's setup() or one VU's
// default function, run in a fresh V8 context shaped like k6 v0.48's (no TextEncoder, URL, crypto, timers,
// …) with k6's modules supplied by this ADAPTER (not k6): k6/http with synchronous semantics (the request
// goes to the main thread, this thread blocks in Atomics.wait until the reply is there), sleep as a real
// blocking wait, k6/metrics recording into totals, k6/execution from the test's segment and VU number,
// k6/crypto on node:crypto. Plain JavaScript: a worker needs no loader for it.
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { createContext, runInContext } from 'node:vm';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

const { code, role, env, vuIdInTest, segment, sequence, port, signal, absent, recordSamples } = workerData;
const flag = new Int32Array(signal);

/** A request to the main thread that blocks this thread until it answers (k6's synchronous http). */
function callMain(message) {
  Atomics.store(flag, 0, 0);
  port.postMessage(message);
  Atomics.wait(flag, 0, 0);
  return receiveMessageOnPort(port).message;
}

const bytesOf = (input) => (typeof input === 'string' ? Buffer.from(input, 'utf8') : new Uint8Array(input));

const totals = {};
/** Every metric sample as k6 would emit it (only when asked: test/support/k6-influx.ts writes them in
 *  k6's InfluxDB format). Tags as k6 v0.48 gives a VU's samples by default: the test-wide `options.tags`,
 *  `scenario`, `group` ("" in the root group), then the sample's own. */
const samples = [];
let vuTags = {};
function emit(metric, value, tags) {
  if (recordSamples)
    samples.push({ metric, time: Date.now(), value: Number(value), tags: { ...vuTags, ...tags } });
}
function metricClass(type) {
  return class {
    constructor(name) {
      this.name = name;
      this.type = type;
    }
    add(value, tags = {}) {
      const key = `${this.name}${JSON.stringify(Object.entries(tags).sort())}`;
      if (!totals[key]) totals[key] = { metric: this.name, type, tags, count: 0, sum: 0 };
      const t = totals[key];
      t.count++;
      t.sum += Number(value);
      emit(this.name, value, tags);
    }
  };
}

function bodyOf(body) {
  if (body === null || body === undefined) return null;
  return typeof body === 'string' ? body : new Uint8Array(body);
}

const http = {
  CookieJar: class CookieJar {},
  batch(requests) {
    const replies = callMain({
      kind: 'batch',
      requests: requests.map((r) => ({
        method: r.method,
        url: r.url,
        body: bodyOf(r.body),
        headers: r.params?.headers ?? {},
        responseType: r.params?.responseType ?? 'text',
      })),
    });
    const done = Date.now();
    if (recordSamples) {
      replies.forEach((r, i) => {
        emitHttp(requests[i], r, done);
      });
    }
    return replies.map((r) => ({
      status: r.status,
      headers: r.headers,
      body: r.body === null ? null : typeof r.body === 'string' ? r.body : r.body.buffer,
      timings: { duration: r.durationMs },
      error: r.error,
      error_code: r.errorCode,
    }));
  },
};

/** k6's http_reqs, http_req_duration and http_req_failed for one request, with k6 v0.48's default system
 *  tags (proto, status, method, url, name = url, error_code, expected_response) and the request's tags. */
function emitHttp(request, reply, time) {
  const expected = reply.status >= 200 && reply.status < 400;
  const tags = {
    ...vuTags,
    method: request.method,
    url: request.url,
    name: request.url,
    status: String(reply.status),
    expected_response: String(expected),
    ...(reply.status === 0
      ? { error: reply.error, error_code: String(reply.errorCode) }
      : { proto: 'HTTP/1.1', ...(reply.status >= 400 ? { error_code: String(1000 + reply.status) } : {}) }),
    ...(request.params?.tags ?? {}),
  };
  const push = (metric, value) => samples.push({ metric, time, value, tags });
  push('http_reqs', 1);
  push('http_req_duration', reply.durationMs);
  push('http_req_failed', expected ? 0 : 1);
}

const crypto = {
  randomBytes: (n) => {
    const b = nodeRandomBytes(n);
    return b.buffer.slice(b.byteOffset, b.byteOffset + n);
  },
  createHash: (alg) => {
    const h = createHash(alg);
    return { update: (input) => void h.update(bytesOf(input)), digest: (enc) => h.digest(enc) };
  },
  sha256: (input, enc) => createHash('sha256').update(bytesOf(input)).digest(enc),
};

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const modules = {
  k6: { sleep: (s) => void Atomics.wait(sleepCell, 0, 0, s * 1000) },
  'k6/http': http,
  'k6/crypto': crypto,
  'k6/metrics': { Trend: metricClass('trend'), Counter: metricClass('counter'), Rate: metricClass('rate') },
  'k6/execution': {
    vu: { idInTest: vuIdInTest ?? 0 },
    test: { options: { executionSegment: segment, executionSegmentSequence: sequence } },
  },
};
const used = {};
function require(name) {
  const m = modules[name];
  if (!m) throw new Error(`k6 adapter: no module ${name}`);
  used[name] = true;
  return { __esModule: true, default: m, ...m };
}

const context = createContext({});
runInContext(`for (const name of ${JSON.stringify(absent)}) delete globalThis[name];`, context);
context.__ENV = env;
context.__VU = vuIdInTest ?? 0;
context.console = {
  log: (...a) => console.log('[k6 adapter]', ...a),
  warn: console.warn,
  error: console.error,
};
const left = runInContext(
  `${JSON.stringify(absent)}.filter((n) => typeof globalThis[n] !== 'undefined')`,
  context,
);
if (left.length > 0) throw new Error(`k6 adapter: context still has ${left.join(', ')}`);
const run = runInContext(`(function (require, module, exports) {${code}\n})`, context, {
  filename: 'patchstorm.js',
});
const module = { exports: {} };
run(require, module, module.exports);
const script = module.exports;

if (role === 'setup') {
  parentPort.postMessage({ options: JSON.parse(JSON.stringify(script.options)), data: script.setup() });
} else {
  // As k6 does: every VU is initialised (the script evaluated) before setup() runs; the main thread
  // answers this call with setup()'s data once all VUs of the instance are ready.
  const setupData = callMain({ kind: 'ready' });
  vuTags = {
    ...(script.options?.tags ?? {}),
    scenario: Object.keys(script.options?.scenarios ?? { default: 0 })[0],
    group: '',
  };
  const started = Date.now();
  script.default(setupData);
  emit('iterations', 1, {});
  emit('iteration_duration', Date.now() - started, {});
  parentPort.postMessage({
    samples,
    totals: Object.values(totals),
    wallMs: Date.now() - started,
    modules: Object.keys(used),
  });
}
