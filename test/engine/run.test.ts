import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../harness/engine/run.ts';
import { httpServer, type TestServer } from './misbehaving-servers.ts';

const SYNTHETIC = new URL('../../harness/engine/synthetic-behaviour.ts', import.meta.url).href;

describe('runLoad with worker shards against a loopback server', () => {
  let server: TestServer;
  let dir: string;
  let seen = 0;
  beforeAll(async () => {
    server = await httpServer((req, res) => {
      seen++;
      if (req.url === '/fail') res.statusCode = 503;
      res.end('ok');
    });
    dir = await mkdtemp(join(tmpdir(), 'patchstorm-run-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('offers the scheduled rate across 2 workers, merges deltas and writes summary.json', async () => {
    // 100 clients × one request per 10 virtual s, at speed 10 → 100 req/s for 2 wall s ≈ 200 requests.
    seen = 0;
    const { summary, summaryFile } = await runLoad({
      fleetSize: 100,
      workers: 2,
      seed: 1,
      speed: 10,
      durationMs: 20_000,
      behaviourModule: SYNTHETIC,
      behaviourOptions: { origin: server.origin, everyMs: 10_000, operation: 'test.get' },
      transport: { connections: 4 },
      intervalMs: 250,
      outputDir: dir,
      out: null,
      handleSignals: false,
    });
    expect(summary.end).toBe('completed');
    expect(summary.workers).toBe(2);
    const op = summary.operations.find((o) => o.name === 'test.get')!;
    expect(op.requests).toBeGreaterThanOrEqual(180);
    expect(op.requests).toBeLessThanOrEqual(220);
    expect(op.requests).toBe(seen);
    expect(op.errors).toBe(0);
    expect(summary.generator.sent).toBe(op.requests);
    expect(summary.fleet.activeClients).toBe(100);
    expect(summary.exitCode).toBe(0);
    const written = JSON.parse(await readFile(summaryFile!, 'utf8'));
    expect(written.operations[0].requests).toBe(op.requests);
  });

  it('counts 5xx replies as errors and names the breached threshold with exit code 1', async () => {
    const { summary } = await runLoad({
      fleetSize: 10,
      workers: 1,
      seed: 1,
      speed: 10,
      durationMs: 5_000,
      behaviourModule: SYNTHETIC,
      behaviourOptions: { origin: server.origin, path: '/fail', everyMs: 1_000, operation: 'test.fail' },
      thresholds: { errorRate: 0.01, p95Ms: { 'test.fail': 10_000 } },
      intervalMs: 250,
      out: null,
      handleSignals: false,
    });
    expect(summary.errorsByKind['http-5xx']).toBe(summary.totals.requests);
    const breached = summary.thresholds.filter((t) => t.breached).map((t) => t.name);
    expect(breached).toEqual(['errorRate']);
    expect(summary.exitCode).toBe(1);
  });

  it('aborts with exit code 3 when the behaviour module is broken', async () => {
    const { summary } = await runLoad({
      fleetSize: 4,
      workers: 1,
      seed: 1,
      speed: 1,
      durationMs: 60_000,
      behaviourModule: SYNTHETIC,
      behaviourOptions: { origin: server.origin, everyMs: -1 },
      out: null,
      handleSignals: false,
    });
    expect(summary.end).toBe('aborted');
    expect(summary.exitCode).toBe(3);
    expect(summary.endReason).toMatch(/everyMs must be > 0/);
  });

  it('aborts with exit code 3, naming client and event, when a behaviour throws mid-run', async () => {
    const { summary } = await runLoad({
      fleetSize: 4,
      workers: 1,
      seed: 1,
      speed: 100,
      durationMs: 600_000,
      behaviourModule: new URL('./throwing-behaviour.ts', import.meta.url).href,
      behaviourOptions: { origin: server.origin },
      out: null,
      handleSignals: false,
    });
    expect(summary.end).toBe('aborted');
    expect(summary.exitCode).toBe(3);
    expect(summary.endReason).toMatch(/client 2 on 'reply'.*third reply/s);
    expect(summary.wallDurationMs).toBeLessThan(5000);
  });

  it('a SIGINT while the workers are still starting ends as interrupted (exit 130) with a summary', async () => {
    const pending = runLoad({
      fleetSize: 10,
      workers: 1,
      seed: 1,
      speed: 10,
      durationMs: 3_600_000,
      behaviourModule: SYNTHETIC,
      behaviourOptions: { origin: server.origin, everyMs: 1_000, operation: 'test.get' },
      intervalMs: 250,
      outputDir: dir,
      out: null,
    });
    // runLoad owns the signal synchronously, before its first await: without that, this would be
    // Node's default SIGINT action and kill the test process.
    process.emit('SIGINT', 'SIGINT');
    const { summary, summaryFile } = await pending;
    expect(summary.end).toBe('interrupted');
    expect(summary.endReason).toBe('SIGINT received');
    expect(summary.exitCode).toBe(130);
    expect(summaryFile).toBeDefined();
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
