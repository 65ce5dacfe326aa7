// The fault matrix (issue 11 §6): one case per way a server can break, each run as a short load run of a
// fresh fleet (runLoad, in-process, one worker) against the reference site with a FaultProxy in front of
// the SUP or the MP. Each case injects its fault into the first few requests of one operation and
// checks that the run counts exactly what was injected, by kind, and that every request the proxy saw
// is accounted for (requests + fresh-socket retries = what reached the server + refused/TLS failures).
// Used by test/faults/fault-matrix.test.ts (npm test) and bench/faults.ts (`npm run faults`).
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { deflateSync, inflateSync } from 'node:zlib';
import { generate } from 'selfsigned';
import {
  FLEET_BEHAVIOUR_MODULE,
  type FleetBehaviourOptions,
} from '../../harness/engine/fleet-adapter/index.ts';
import { runLoad } from '../../harness/engine/run.ts';
import type { RunSummary } from '../../harness/metrics/summary.ts';
import { buildCcmPost, parseCcmPost, platformInflate } from '../../protocol/mp/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { EMPTY_KNOWLEDGE } from '../fleet-adapter/site.ts';
import { type Fault, FaultProxy, replyHead, type UpstreamReply, writeReply } from './fault-proxy.ts';

/** The limits the matrix runs with (small, so the deadline and memory cases are quick). */
export const MATRIX_LIMITS = {
  timeoutMs: 1500,
  maxBodyBytes: 8 * 1024 * 1024,
  maxBufferedBytes: 32 * 1024 * 1024,
} as const;
/** Huge replies are this large (several times the cap). */
const HUGE_BYTES = 256 * 1024 * 1024;
const FAULTS_PER_CASE = 3;
const CLIENTS = 10;
const SPEED = 300;
const MIN = 60_000;

export interface FaultCase {
  name: string;
  target: 'sup' | 'mp';
  /** Operation (prefix) the proxy faults. */
  operation: string;
  fault: Fault;
  /** The error kind each injected fault must be counted as; null: the reply is usable (no error). */
  kind: string | null;
  /** A reset before any reply byte on a reused socket is retried once: retries count as injected too. */
  retried?: boolean;
  tls?: boolean;
  /** Kill the proxied server this long after the load starts and bring it back after as long again. */
  killAfterMs?: number;
  /** Extra checks on the result (throw to fail). */
  check?(r: CaseResult): void;
}

export interface CaseResult {
  name: string;
  exitCode: number;
  injected: number;
  /** Requests that reached the proxied server (any operation). */
  seen: number;
  errorsByKind: Record<string, number>;
  /** Requests and fresh-socket retries of the proxied target's operations. */
  requests: number;
  retries: number;
  peakRssMb: number;
  startRssMb: number;
  stateAccepted: number;
  stateProcessed: number;
  summary: RunSummary;
  /** What did not add up (empty when the case passed). */
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cut(reply: UpstreamReply): Buffer {
  return reply.body.subarray(0, Math.floor(reply.body.length / 2));
}

function xml200(socket: Socket, text: string): void {
  writeReply(socket, {
    status: 200,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: Buffer.from(text),
  });
}

/** Streams `size` bytes of body, with backpressure so the proxy itself holds almost nothing. */
export function streamHuge(socket: Socket, size: number, withLength: boolean): void {
  const chunk = Buffer.alloc(256 * 1024, 'a');
  socket.write(
    replyHead(
      { status: 200, headers: { 'content-type': 'text/xml' } },
      withLength ? size : undefined,
      'HTTP/1.1',
    ),
  );
  if (!withLength) socket.write(''); // close-delimited: the end of the body is the end of the socket
  let sent = 0;
  const pump = () => {
    while (sent < size && !socket.destroyed) {
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
    if (!socket.destroyed) socket.end();
  };
  pump();
}

/** The MP's real reply, its payload replaced by compressed bytes `deflate` makes. */
async function ccmWithPayload(upstream: () => Promise<UpstreamReply>, deflate: () => Uint8Array) {
  const real = await upstream();
  const parsed = parseCcmPost(real.headers['content-type'] ?? '', real.body, {
    inflate: platformInflate(inflateSync),
  });
  const post = buildCcmPost({ header: parsed.header, body: 'x', compress: true, deflate });
  return {
    status: 200,
    headers: { ...real.headers, 'content-type': post.contentType },
    body: Buffer.from(post.body),
  };
}

const BOMB = deflateSync(Buffer.alloc(64 * 1024 * 1024));
const DOCTYPE_BOMB =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';
const ENTITY_BOMB =
  '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&xxe;</s:Body></s:Envelope>';

export const FAULT_CASES: readonly FaultCase[] = [
  { name: 'no fault (baseline)', target: 'sup', operation: 'none', fault: () => {}, kind: null },
  {
    name: 'reset before reply',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: (s) => void s.resetAndDestroy(),
    kind: 'reset',
    retried: true,
  },
  {
    name: 'reset mid reply',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: async (s, up) => {
      const r = await up();
      s.write(replyHead(r, r.body.length));
      s.write(cut(r), () => setTimeout(() => s.resetAndDestroy(), 20));
    },
    kind: 'truncated',
  },
  {
    name: '503 + Retry-After (state post)',
    target: 'mp',
    operation: 'mp.statemsg',
    fault: (s) =>
      writeReply(s, {
        status: 503,
        headers: { 'content-type': 'text/html', 'retry-after': '60' },
        body: Buffer.from('<html>busy</html>'),
      }),
    kind: 'http-5xx',
    check: (r) => {
      if (!((r.summary.fleet.gauges['adapter.retryAfterHonoured'] ?? 0) >= 1))
        throw new Error('no Retry-After was honoured');
    },
  },
  {
    name: '500 HTML',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: (s) =>
      writeReply(s, {
        status: 500,
        headers: { 'content-type': 'text/html' },
        body: Buffer.from('<html>oops</html>'),
      }),
    kind: 'http-5xx',
  },
  {
    name: 'stall before headers',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: () => {},
    kind: 'timeout',
  },
  {
    name: 'stall after headers',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: async (s, up) => {
      const r = await up();
      s.write(replyHead(r, r.body.length));
      s.write(cut(r));
    },
    kind: 'timeout',
  },
  {
    name: 'slow drip (1 byte / 100 ms)',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: async (s, up) => {
      const r = await up();
      s.write(replyHead(r, r.body.length));
      let i = 0;
      const timer = setInterval(() => {
        if (s.destroyed || i >= r.body.length) clearInterval(timer);
        else s.write(r.body.subarray(i, ++i));
      }, 100);
      s.on('close', () => clearInterval(timer));
    },
    kind: 'timeout',
  },
  {
    name: 'garbage 200',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: (s) => xml200(s, 'this is not XML at all'),
    kind: 'malformed-xml',
  },
  {
    name: 'truncated XML',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: async (s, up) => {
      const r = await up();
      writeReply(s, { ...r, body: cut(r) });
    },
    kind: 'malformed-xml',
  },
  {
    name: 'deep nesting',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: (s) => xml200(s, `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`),
    kind: 'refused-xml',
  },
  {
    name: 'DOCTYPE bomb',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: (s) => xml200(s, DOCTYPE_BOMB),
    kind: 'refused-xml',
  },
  {
    name: 'entity bomb (external entity)',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: (s) => xml200(s, ENTITY_BOMB),
    kind: 'refused-xml',
  },
  {
    name: 'compression bomb (CCM reply)',
    target: 'mp',
    operation: 'mp.location',
    fault: async (s, up) => writeReply(s, await ccmWithPayload(up, () => BOMB)),
    kind: 'too-large',
  },
  {
    name: 'CCM reply that does not inflate',
    target: 'mp',
    operation: 'mp.location',
    fault: async (s, up) => writeReply(s, await ccmWithPayload(up, () => randomBytes(512))),
    kind: 'bad-compression',
  },
  {
    name: 'Content-Length short',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: async (s, up) => {
      const r = await up();
      writeReply(s, r, Math.floor(r.body.length / 2));
    },
    kind: 'malformed-xml',
  },
  {
    name: 'Content-Length long',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: async (s, up) => {
      const r = await up();
      writeReply(s, r, r.body.length + 1000);
      s.end();
    },
    kind: 'truncated',
  },
  {
    name: 'HTTP/1.0 close-delimited',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: async (s, up) => {
      const r = await up();
      s.write(replyHead(r, undefined, 'HTTP/1.0'));
      s.end(r.body);
    },
    kind: null,
  },
  {
    name: 'huge body with Content-Length',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: (s) => streamHuge(s, HUGE_BYTES, true),
    kind: 'too-large',
  },
  {
    name: 'huge body without Content-Length',
    target: 'sup',
    operation: 'wsus.SyncUpdates',
    fault: (s) => streamHuge(s, HUGE_BYTES, false),
    kind: 'too-large',
  },
  {
    name: 'server killed and restarted',
    target: 'sup',
    operation: 'none',
    fault: () => {},
    kind: null,
    killAfterMs: 1200,
  },
  {
    name: 'TLS certificate not trusted',
    target: 'sup',
    operation: 'none',
    fault: () => {},
    kind: 'tls',
    tls: true,
    check: (r) => {
      // Every scan failed: the summary must say in plain words that the fleet is stuck.
      if (!/of \d+ clients are waiting to retry a failed scan/.test(r.summary.fleet.stuck ?? ''))
        throw new Error(
          `the summary does not say the fleet is stuck: ${r.summary.fleet.stuck ?? '(nothing)'}`,
        );
    },
  },
];

export function fleetOptions(site: RunningSite, sup: string, mp: string): FleetBehaviourOptions {
  return {
    fleet: {
      start: 'fresh',
      rolloutRampMs: 2 * MIN,
      machines: [
        { name: 'win11', build: 22631, weight: 1, installedFraction: 0.5 },
        { name: 'win10', build: 19045, weight: 1, installedFraction: 0.5 },
      ],
      timers: { firstScanWindowMs: 3 * MIN, stateMessageCycleMs: 4 * MIN },
    },
    targets: { mp, sups: [sup], siteCode: site.model.config.siteCode },
    knowledge: EMPTY_KNOWLEDGE,
  };
}

/** Runs one case against `site` (started with a real clock at SPEED) and checks its counts. */
export async function runFaultCase(site: RunningSite, c: FaultCase, seed: number): Promise<CaseResult> {
  const upstream = c.target === 'sup' ? site.urls.supHttp : site.urls.mpHttp;
  const proxy = new FaultProxy({
    upstream,
    operation: c.operation,
    fault: c.fault,
    count: FAULTS_PER_CASE,
    ...(c.tls ? { tls: await selfSignedFor127() } : {}),
  });
  await proxy.start();
  const before = site.mp.backlog();
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const timers: NodeJS.Timeout[] = [];
  let summary: RunSummary;
  try {
    const sup = c.target === 'sup' ? proxy.origin : site.urls.supHttp;
    const mp = c.target === 'mp' ? proxy.origin : site.urls.mpHttp;
    ({ summary } = await runLoad({
      fleetSize: CLIENTS,
      workers: 1,
      seed,
      speed: SPEED,
      virtualStart: site.model.clock.now(),
      durationMs: 16 * MIN,
      behaviourModule: FLEET_BEHAVIOUR_MODULE,
      behaviourOptions: fleetOptions(site, sup, mp),
      transport: { connections: 4, ...MATRIX_LIMITS },
      thresholds: { errorRate: 0.001 },
      intervalMs: 250,
      drainMs: 5000,
      out: null,
      handleSignals: false,
      ...(c.killAfterMs === undefined
        ? {}
        : {
            onStart: () => {
              const k = c.killAfterMs!;
              timers.push(setTimeout(() => void proxy.kill(), k));
              timers.push(setTimeout(() => void proxy.restart(), 2 * k));
            },
          }),
    }));
  } finally {
    clearInterval(sampler);
    for (const t of timers) clearTimeout(t);
    await proxy.close();
  }
  // The site processes what it accepted at its own rate: give it a moment, then compare.
  let after = site.mp.backlog();
  for (let i = 0; i < 100 && after.depth > 0; i++) {
    await sleep(50);
    after = site.mp.backlog();
  }
  const prefix = c.target === 'sup' ? 'wsus.' : 'mp.';
  let requests = 0;
  let retries = 0;
  const errorsByKind: Record<string, number> = {};
  for (const o of summary.operations) {
    if (!o.name.startsWith(prefix)) continue;
    requests += o.requests;
    retries += o.retries;
    for (const [k, n] of Object.entries(o.errorsByKind)) errorsByKind[k] = (errorsByKind[k] ?? 0) + n;
  }
  const seen = [...proxy.seen.values()].reduce((s, n) => s + n, 0);
  const result: CaseResult = {
    name: c.name,
    exitCode: summary.exitCode,
    injected: proxy.injected,
    seen,
    errorsByKind,
    requests,
    retries,
    peakRssMb: peakRss / 2 ** 20,
    startRssMb: startRss / 2 ** 20,
    stateAccepted: after.accepted - before.accepted,
    stateProcessed: after.processed - before.processed,
    summary,
    problems: [],
  };
  result.problems = judge(c, result, summary);
  try {
    c.check?.(result);
  } catch (err) {
    result.problems.push((err as Error).message);
  }
  return result;
}

function judge(c: FaultCase, r: CaseResult, summary: RunSummary): string[] {
  const problems: string[] = [];
  const kinds = Object.entries(r.errorsByKind).filter(([, n]) => n > 0);
  const errors = kinds.reduce((s, [, n]) => s + n, 0);
  const otherErrors = Object.entries(summary.errorsByKind)
    .filter(([k]) => !(k in r.errorsByKind))
    .reduce((s, [, n]) => s + n, 0);
  if (otherErrors > 0)
    problems.push(`errors outside the faulted target: ${JSON.stringify(summary.errorsByKind)}`);
  if (summary.end !== 'completed') problems.push(`run ${summary.end}: ${summary.endReason ?? ''}`);
  // Every request that reached the server (or could not: refused, TLS) is a request or a retry.
  const unreached = (r.errorsByKind.refused ?? 0) + (r.errorsByKind.tls ?? 0);
  const sent = r.requests + r.retries;
  if (c.killAfterMs !== undefined) {
    // A request written on a socket the dying server had already cut never reaches it: each is a reset
    // (or its fresh-socket retry) in the counts, so only those may be missing from what the server saw.
    const lost = sent - r.seen - unreached;
    const resets = r.retries + (r.errorsByKind.reset ?? 0) + (r.errorsByKind.truncated ?? 0);
    if (lost < 0 || lost > resets)
      problems.push(
        `accounting: sent ${sent}, seen ${r.seen} + refused ${unreached}: ${lost} unexplained by ${resets} resets`,
      );
  } else if (r.seen + unreached !== sent) {
    problems.push(
      `accounting: seen ${r.seen} + refused/tls ${unreached} ≠ requests ${r.requests} + retries ${r.retries}`,
    );
  }
  if (c.tls) {
    if (r.seen !== 0 || errors !== r.requests || errors === 0 || kinds.length !== 1 || kinds[0]![0] !== 'tls')
      problems.push(
        `expected every request to fail tls, got ${JSON.stringify(r.errorsByKind)} of ${r.requests}`,
      );
  } else if (c.killAfterMs !== undefined) {
    if (!((r.errorsByKind.refused ?? 0) > 0))
      problems.push('no request was refused while the server was down');
    for (const [k] of kinds)
      if (!['refused', 'reset', 'truncated'].includes(k))
        problems.push(`unexpected ${k} while the server was down`);
  } else if (c.kind === null) {
    if (errors !== 0) problems.push(`expected no error, got ${JSON.stringify(r.errorsByKind)}`);
  } else {
    if (r.injected !== FAULTS_PER_CASE)
      problems.push(`only ${r.injected} of ${FAULTS_PER_CASE} faults injected`);
    const counted = (r.errorsByKind[c.kind] ?? 0) + (c.retried ? r.retries : 0);
    if (counted !== r.injected) problems.push(`${c.kind}: counted ${counted}, injected ${r.injected}`);
    if (kinds.some(([k]) => k !== c.kind)) problems.push(`other kinds: ${JSON.stringify(r.errorsByKind)}`);
  }
  const expectedExit = errors + otherErrors > 0 ? 1 : 0;
  if (r.exitCode !== expectedExit) problems.push(`exit code ${r.exitCode}, expected ${expectedExit}`);
  if (r.stateAccepted !== r.stateProcessed)
    problems.push(`site accepted ${r.stateAccepted} state messages but processed ${r.stateProcessed}`);
  const boundMb = (MATRIX_LIMITS.maxBufferedBytes + MATRIX_LIMITS.maxBodyBytes) / 2 ** 20 + RSS_SLACK_MB;
  if (r.peakRssMb - r.startRssMb > boundMb)
    problems.push(
      `RSS grew ${Math.round(r.peakRssMb - r.startRssMb)} MB, over the bound ${Math.round(boundMb)} MB`,
    );
  return problems;
}

/** RSS a case may add beyond the buffer bound: a worker thread, its heap, the site's work (measured ~100 MB). */
export const RSS_SLACK_MB = 200;

/** One line per case for `npm run faults`. */
export function formatCaseLine(r: CaseResult): string {
  const kinds = Object.entries(r.errorsByKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  return (
    `${r.problems.length === 0 ? 'ok  ' : 'FAIL'} ${r.name.padEnd(34)} exit ${r.exitCode}  injected ${r.injected}  ` +
    `errors {${kinds}}  retries ${r.retries}  requests ${r.requests}  seen ${r.seen}  ` +
    `state ${r.stateAccepted}/${r.stateProcessed}  peak RSS ${Math.round(r.peakRssMb)} MB (+${Math.round(r.peakRssMb - r.startRssMb)})` +
    (r.problems.length ? `\n       ${r.problems.join('\n       ')}` : '')
  );
}

let certificate: { key: string; cert: string } | undefined;
/** A certificate for 127.0.0.1 signed by nobody the client trusts. */
async function selfSignedFor127(): Promise<{ key: string; cert: string }> {
  if (!certificate) {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    certificate = { key: pems.private, cert: pems.cert };
  }
  return certificate;
}
