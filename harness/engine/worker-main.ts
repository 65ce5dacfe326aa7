// A shard worker: builds its behaviour, transport and run loop from workerData, runs when told to,
// sends a metrics delta every interval, and drains on 'stop'.
import { parentPort, workerData } from 'node:worker_threads';
import { MetricsRecorder } from '../metrics/recorder.ts';
import { type Behaviour, type CreateBehaviour, type ShardContext, shardSize } from './behaviour.ts';
import { ScaledClock, type VirtualClock } from './clock.ts';
import { heapSnapshotsFromEnv } from './heap-snapshots.ts';
import { ShardRunner } from './shard-runner.ts';
import { Transport } from './transport.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

function fatal(err: unknown): void {
  const e = err as Error;
  post({ type: 'fatal', shard: init.shard, message: e?.stack ?? String(err) });
}

async function main(): Promise<void> {
  const clients = shardSize(init.fleetSize, init.shard, init.shards);
  const context: ShardContext = {
    shard: init.shard,
    shards: init.shards,
    fleetSize: init.fleetSize,
    clients,
    globalIndex: (local) => local * init.shards + init.shard,
    seed: init.seed,
    virtualStart: init.virtualStart,
  };
  const mod = (await import(init.behaviourModule)) as { createBehaviour?: CreateBehaviour };
  if (typeof mod.createBehaviour !== 'function') {
    throw new Error(`${init.behaviourModule} does not export a createBehaviour function`);
  }
  const behaviour: Behaviour = await mod.createBehaviour(context, init.behaviourOptions);
  const transport = new Transport(init.transport);
  const recorder = new MetricsRecorder(init.shard);
  let clock: VirtualClock | undefined;
  let runner: ShardRunner | undefined;
  let interval: NodeJS.Timeout | undefined;
  const snapshots = heapSnapshotsFromEnv(`shard${init.shard}`);

  const delta = () =>
    recorder.takeDelta(clock?.wallNow() ?? Date.now(), clock?.now() ?? init.virtualStart, {
      inFlight: transport.inFlight,
      scheduledClients: runner?.heap.size ?? 0,
      activeClients: runner?.activeClients ?? 0,
      gauges: behaviour.gauges?.() ?? {},
    });

  port.on('message', async (msg: ToWorker) => {
    try {
      if (msg.type === 'start') {
        clock = new ScaledClock(msg.clock);
        const rampStep = init.fleetSize > 1 ? init.rampUpMs / init.fleetSize : 0;
        runner = new ShardRunner({
          clock,
          behaviour,
          clients,
          activationTime: (local) => init.virtualStart + context.globalIndex(local) * rampStep,
          sender: transport,
          recorder,
          maxInFlight: init.maxInFlight,
          batchSize: init.batchSize,
          onError: fatal,
        });
        runner.start();
        const started = clock;
        interval = setInterval(() => {
          post({ type: 'metrics', delta: delta() });
          snapshots?.check(started.now() - init.virtualStart);
        }, init.intervalMs);
      } else if (msg.type === 'stop') {
        // A moment at the run's very end (--heap-at 24h of a 24 h run) is reached here, not by an interval;
        // the end timer may fire a ms early (= speed virtual ms), so one interval of slack.
        if (clock) snapshots?.check(clock.now() - init.virtualStart + init.intervalMs * clock.speed);
        await runner?.drain(msg.drainMs);
        if (interval) clearInterval(interval);
        post({ type: 'drained', delta: delta() });
        await transport.close();
        port.close();
      }
    } catch (err) {
      fatal(err);
    }
  });
  post({ type: 'ready', shard: init.shard, clients });
}

main().catch(fatal);
