// The k6 script `patchstorm k6` bundles (README.md): each VU owns a slice of one fleet (segment.ts),
// steps it on the virtual clock with the swarm's FleetBehaviour over the k6 platform, sends through
// k6/http (k6-http.ts) and records patchstorm's metrics as k6 custom metrics (metrics.ts). Runs on k6
// v0.48.0 and later: bundled for ES2017, k6 modules external, no global k6 v0.48 lacks.
import { sleep } from 'k6';
import exec from 'k6/execution';
import config from 'patchstorm:k6-config';
import { FleetBehaviour } from '../client/fleet-behaviour.ts';
import { shiftedOptions } from './config.ts';
import { k6BatchSender } from './k6-http.ts';
import { createK6Platform, createK6Signer } from './k6-platform.ts';
import { PatchstormMetrics } from './metrics.ts';
import { parseSegment, vuSlice } from './segment.ts';
import { VuLoop } from './vu-loop.ts';

declare const __ENV: Record<string, string | undefined>;

/** What setup() hands every VU of this instance: one virtual clock for all of them. */
interface RunStart {
  virtualStart: number;
  wallStart: number;
}

function env(name: string): string | undefined {
  const v = __ENV[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function origin(name: string, value: string): string {
  if (!/^https?:\/\/[^/]+\/?$/i.test(value)) {
    throw new Error(`${name} = ${JSON.stringify(value)}: expected an http(s) origin like http://host:port`);
  }
  return value.replace(/\/$/, '');
}

/** Targets: the build's, unless -e PATCHSTORM_MP / PATCHSTORM_SUP (comma-separated) / PATCHSTORM_SITE_CODE. */
function targets() {
  const built = config.behaviourOptions.targets;
  const mp = env('PATCHSTORM_MP');
  const sup = env('PATCHSTORM_SUP');
  return {
    mp: mp ? origin('PATCHSTORM_MP', mp) : built.mp,
    sups: sup ? sup.split(',').map((s) => origin('PATCHSTORM_SUP', s.trim())) : built.sups,
    siteCode: env('PATCHSTORM_SITE_CODE') ?? built.siteCode,
  };
}

/** -e PATCHSTORM_START (epoch ms or an ISO time): the same virtual start for every instance of a
 *  distributed test. Without it each instance starts its clients' clock at its own setup time. */
function virtualStartOf(now: number): number {
  const s = env('PATCHSTORM_START');
  if (s === undefined) return now;
  const t = /^\d+(?:\.\d+)?$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(t))
    throw new Error(`PATCHSTORM_START = ${JSON.stringify(s)}: expected epoch ms or an ISO time`);
  return t;
}

/** Wall seconds the run lasts, plus a margin for the last batches. */
const wallSeconds = Math.ceil(config.durationMs / config.speed / 1000);

export const options = {
  scenarios: {
    fleet: {
      // One iteration per VU that lasts the whole run: the VU's clients live in it.
      executor: 'per-vu-iterations',
      vus: config.vus,
      iterations: 1,
      maxDuration: `${wallSeconds + 120}s`,
      gracefulStop: '60s',
    },
  },
  thresholds: config.thresholds,
  // Test-wide tags on every metric k6 writes (its --out influxdb= too): the capacity-review (k6) dashboard
  // tells runs apart by `run`, as patchstorm run's outputs tag theirs. One id for every instance of a
  // distributed test (chosen at build time) unless -e PATCHSTORM_RUN=<id> names this run.
  tags: {
    run: env('PATCHSTORM_RUN') ?? config.runId,
    profile: config.profileName,
    target: targets().sups[0] ?? targets().mp,
  },
  // http.batch: up to maxBatch requests of one VU in parallel, to one host as to several (k6's defaults,
  // 10 and 6, would queue a round's requests behind each other).
  batch: config.maxBatch,
  batchPerHost: config.maxBatch,
  setupTimeout: '60s',
};

// Init context: k6 allows new metrics only here.
const metrics = new PatchstormMetrics();

export function setup(): RunStart {
  const wallStart = Date.now();
  const t = targets();
  const [from, to] = parseSegment(exec.test.options.executionSegment);
  console.log(
    `patchstorm ${config.profileName}: ${config.fleetSize} clients over ${config.vus} VUs, speed ${config.speed}, ` +
      `segment ${from}:${to} of ${exec.test.options.executionSegmentSequence ?? '0,1'}; mp ${t.mp} sup ${t.sups.join(' ')}`,
  );
  return { virtualStart: virtualStartOf(wallStart), wallStart };
}

export default function vu(start: RunStart): void {
  const slice = vuSlice(config.fleetSize, config.vus, exec.vu.idInTest);
  if (slice.count === 0) return;
  const options = { ...shiftedOptions(config, start.virtualStart), targets: targets() };
  const behaviour = new FleetBehaviour(
    {
      shard: slice.shard,
      shards: slice.shards,
      fleetSize: config.fleetSize,
      clients: slice.count,
      globalIndex: slice.globalIndex,
      seed: config.seed,
      virtualStart: start.virtualStart,
    },
    options,
    createK6Signer(config.signingKey),
    createK6Platform(),
  );
  const loop = new VuLoop({
    behaviour,
    clients: slice.count,
    virtualStart: start.virtualStart,
    wallStart: start.wallStart,
    speed: config.speed,
    durationMs: config.durationMs,
    send: k6BatchSender(config.requestTimeout),
    wallNow: () => Date.now(),
    sleep,
    onOutcome: (request, outcome, decision) => metrics.record(request, outcome, decision),
    maxBatch: config.maxBatch,
  });
  loop.run();
  console.log(
    `VU ${exec.vu.idInTest}: ${slice.count} clients, ${loop.requests} requests in ${loop.batches} batches, ` +
      `most lateness ${Math.round(loop.maxLatenessMs / 1000)} virtual s; slowest batch ${loop.slowestBatchMs} ms, ` +
      `slowest reply handling ${loop.slowestStepsMs} ms (wall)`,
  );
}
