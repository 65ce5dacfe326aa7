// `npm run bench:huge-replies`: how much memory huge replies cost the swarm. A fresh fleet scans through a
// proxy whose every SyncUpdates reply is a 200 MB body (first with Content-Length, then close-delimited),
// with the default limits (engine/http-limits.ts: 64 MiB per reply, 256 MiB held per worker). Prints the
// process's peak RSS (coordinator + worker threads + the in-process site and proxy) against the bound.
// Before the streaming caps and the per-worker budget a 300-client run reached about 1 GB.
import { FLEET_BEHAVIOUR_MODULE } from '../harness/engine/fleet-adapter/index.ts';
import { runLoad } from '../harness/engine/run.ts';
import { MAX_BUFFERED_BYTES, MAX_REPLY_BYTES } from '../harness/engine/http-limits.ts';
import { FaultProxy } from '../test/faults/fault-proxy.ts';
import { fleetOptions, streamHuge } from '../test/faults/matrix.ts';
import { startTestSite, T0 } from '../test/fleet-adapter/site.ts';

const CLIENTS = Number(process.env.CLIENTS ?? 100);
const WORKERS = Number(process.env.WORKERS ?? 2);
const HUGE = 200 * 1024 * 1024;
const MiB = 2 ** 20;

const site = await startTestSite({ clock: { mode: 'real', speed: 300, start: T0 } });
try {
  for (const withLength of [true, false]) {
    const proxy = new FaultProxy({
      upstream: site.urls.supHttp,
      operation: 'wsus.SyncUpdates',
      fault: (s) => streamHuge(s, HUGE, withLength),
      count: Number.POSITIVE_INFINITY,
    });
    await proxy.start();
    global.gc?.();
    const start = process.memoryUsage.rss();
    let peak = start;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    const { summary } = await runLoad({
      fleetSize: CLIENTS,
      workers: WORKERS,
      seed: 11,
      speed: 300,
      virtualStart: site.model.clock.now(),
      durationMs: 30 * 60_000,
      behaviourModule: FLEET_BEHAVIOUR_MODULE,
      behaviourOptions: fleetOptions(site, proxy.origin, site.urls.mpHttp),
      intervalMs: 500,
      out: null,
      handleSignals: false,
    });
    clearInterval(sampler);
    await proxy.close();
    if (process.env.DEBUG)
      console.log(
        summary.end,
        summary.endReason,
        summary.operations.map((o) => `${o.name} ${o.requests} ${JSON.stringify(o.errorsByKind)}`),
      );
    const sync = summary.operations.find((o) => o.name === 'wsus.SyncUpdates');
    // Bodies held at once are bounded by the budget; an announced Content-Length over the cap is refused
    // before a byte is read. RSS adds the process itself and buffers freed but not yet collected.
    const bound = WORKERS * MAX_BUFFERED_BYTES.default;
    console.log(
      `huge replies ${withLength ? 'with' : 'without'} Content-Length: ${CLIENTS} clients, ${WORKERS} workers, ` +
        `${proxy.injected} replies of ${HUGE / MiB} MiB; SyncUpdates errors ${JSON.stringify(sync?.errorsByKind ?? {})}; ` +
        `peak RSS ${Math.round(peak / MiB)} MB (start ${Math.round(start / MiB)} MB, +${Math.round((peak - start) / MiB)} MB; ` +
        `reply bodies held at once ≤ workers × budget = ${Math.round(bound / MiB)} MB, cap per reply ${MAX_REPLY_BYTES.default / MiB} MiB)`,
    );
  }
} finally {
  await site.stop();
}
