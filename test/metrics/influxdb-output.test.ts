// The InfluxDB output against real servers: Debian's influxd (1.x URL form) and victoria-metrics
// (the unchanged v2 write path), an unreachable URL, and a server killed mid-stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_INFLUX_OPTIONS,
  InfluxOutput,
  influxOutput,
} from '../../harness/metrics/outputs/influxdb.ts';
import { parseInfluxUrl } from '../../harness/metrics/outputs/influx-url.ts';
import { OutputError } from '../../harness/metrics/outputs/output.ts';
import type { OutputContext } from '../../harness/metrics/outputs/registry.ts';
import {
  freePort,
  influxQuery,
  startInfluxd,
  startVictoriaMetrics,
  type TsServer,
} from '../support/influx-server.ts';
import { meta, stats, VIRTUAL_START } from './influx-fixtures.ts';

function context(env: Record<string, string> = {}): OutputContext & { printed: () => string } {
  let printed = '';
  return {
    outDir: '.',
    env,
    stdout: {
      write(chunk: string | Uint8Array) {
        printed += String(chunk);
        return true;
      },
    } as never,
    printed: () => printed,
  };
}

describe('--out influxdb=URL: URL forms', () => {
  it.each([
    ['', 'a URL is required'],
    ['influx:8086/db', 'protocol'],
    ['http://h:8086/a/b', 'more than one segment'],
    ['http://h:8086/db?x=1', 'takes no query parameters'],
    ['http://h:8086', 'no database'],
    ['http://h:8086?org=o', 'bucket= is missing'],
    ['http://h:8086?bucket=b&org=o&precision=s', 'unknown query parameter precision'],
    ['http://u:secretpw@h:8086?org=o&bucket=b', 'credentials in the URL are for the 1.x form'],
  ])('%s is refused naming the value and the valid forms', (arg, why) => {
    let error: unknown;
    try {
      influxOutput(arg, context());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputError);
    const message = (error as Error).message;
    expect(message).toContain(why);
    expect(message).toContain('http(s)://[user:pass@]host:8086/DBNAME');
    expect(message).toContain('org=ORG&bucket=BUCKET');
    expect(message).not.toContain('secretpw');
  });

  it('reads the two forms and masks credentials', () => {
    const v1 = parseInfluxUrl('http://admin:hunter22@127.0.0.1:8086/ps', {});
    expect(v1).toMatchObject({
      generation: 1,
      baseUrl: 'http://127.0.0.1:8086',
      db: 'ps',
      username: 'admin',
    });
    expect(v1.masked).toBe('http://***:***@127.0.0.1:8086/ps');
    const v2 = parseInfluxUrl('https://influx:8086?org=ops&bucket=patch', {
      PATCHSTORM_INFLUXDB_TOKEN: 'tok',
    });
    expect(v2).toMatchObject({
      generation: 2,
      baseUrl: 'https://influx:8086',
      org: 'ops',
      bucket: 'patch',
      token: 'tok',
    });
  });

  it('refuses a bad PATCHSTORM_INFLUXDB_MAX_BUFFER_LINES naming it', () => {
    expect(() =>
      influxOutput('http://127.0.0.1:8086/ps', context({ PATCHSTORM_INFLUXDB_MAX_BUFFER_LINES: 'lots' })),
    ).toThrow(/PATCHSTORM_INFLUXDB_MAX_BUFFER_LINES=lots: expected a whole number/);
  });
});

describe('--out influxdb: unreachable server', () => {
  it('preflight fails with an OutputError naming the masked URL and the error, nothing sent', async () => {
    const port = await freePort(); // nothing listens here
    const out = influxOutput(`http://admin:hunter22@127.0.0.1:${port}/ps`, context());
    const error = await out.preflight?.().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    const message = (error as Error).message;
    expect(message).toContain(`http://***:***@127.0.0.1:${port}/ps`);
    expect(message).toMatch(/ping failed: .*ECONNREFUSED/);
    expect(message).not.toContain('hunter22');
  });

  it('v2 form: preflight names the health check', async () => {
    const port = await freePort();
    const out = influxOutput(
      `http://127.0.0.1:${port}?org=o&bucket=b`,
      context({ PATCHSTORM_INFLUXDB_TOKEN: 'sekrit-token' }),
    );
    const error = await out.preflight?.().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toMatch(/health check failed: .*ECONNREFUSED/);
    expect((error as Error).message).not.toContain('sekrit-token');
  });
});

describe('--out influxdb: InfluxDB 1.x (influxd)', () => {
  let server: TsServer;
  beforeAll(async () => {
    server = await startInfluxd();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('creates the database, writes every measurement on the virtual clock, reports written and dropped', async () => {
    const ctx = context();
    const out = influxOutput(`${server.url}/ps_v1`, ctx);
    await out.preflight?.();
    await out.start(meta('run-v1'));
    for (let i = 0; i < 3; i++) out.interval(stats(i));
    out.event({
      virtualTime: VIRTUAL_START + 250_000,
      kind: 'deployment-created',
      title: 'D1 created',
      tags: { deployment: 'D1' },
    });
    const report = await out.end({ summary: {} as never });
    // 1 run point + 3 × 9 interval points + 1 event
    expect(report).toMatchObject({ name: 'influxdb', ok: true });
    expect(report.detail).toMatch(
      /^InfluxDB: 29 points written, 0 dropped · run run-v1, Grafana from=\d+ to=\d+$/,
    );
    expect(report.detail).toContain(`from=${VIRTUAL_START}`);

    const ops = await influxQuery(
      server.url,
      'ps_v1',
      `SELECT requests, p95_ms, rate FROM patchstorm_op WHERE run = 'run-v1' GROUP BY op`,
    );
    expect(ops.series?.map((s) => s.tags?.op).sort()).toEqual(['mp.statemsg', 'wsus.SyncUpdates']);
    const sync = ops.series?.find((s) => s.tags?.op === 'wsus.SyncUpdates');
    expect(sync?.values.map((v) => v[0])).toEqual([
      VIRTUAL_START + 200_000,
      VIRTUAL_START + 400_000,
      VIRTUAL_START + 600_000,
    ]);
    expect(sync?.values[0]?.slice(1)).toEqual([20, 5, 20]);

    const errors = await influxQuery(
      server.url,
      'ps_v1',
      `SELECT sum(count) FROM patchstorm_errors WHERE run = 'run-v1' GROUP BY op, kind`,
    );
    expect(errors.series?.map((s) => [s.tags?.op, s.tags?.kind, s.values[0]?.[1]])).toEqual([
      ['wsus.SyncUpdates', 'refused', 6],
    ]);

    const fleet = await influxQuery(
      server.url,
      'ps_v1',
      `SELECT last(non_compliant), last(activity_idle) FROM patchstorm_fleet WHERE run = 'run-v1'`,
    );
    expect(fleet.series?.[0]?.values[0]?.slice(1)).toEqual([288, 250]);
    const fleetKeys = await influxQuery(server.url, 'ps_v1', 'SHOW FIELD KEYS FROM patchstorm_fleet');
    expect(fleetKeys.series?.[0]?.values.map((v) => v[0])).not.toContain('cookies');

    const dep = await influxQuery(
      server.url,
      'ps_v1',
      `SELECT last(installed), last(installed_pct), last(deployment_name) FROM patchstorm_deployment WHERE run = 'run-v1' GROUP BY deployment`,
    );
    expect(dep.series?.[0]?.tags).toEqual({ deployment: 'D1' });
    expect(dep.series?.[0]?.values[0]?.slice(1)).toEqual([2, (100 * 2) / 300, 'Patch Tuesday']);

    const ev = await influxQuery(
      server.url,
      'ps_v1',
      `SELECT title, text FROM patchstorm_events WHERE run = 'run-v1' AND kind = 'deployment-created'`,
    );
    expect(ev.series?.[0]?.values).toEqual([
      [VIRTUAL_START + 250_000, 'D1 created', 'D1 created (deployment=D1)'],
    ]);

    const runTags = await influxQuery(
      server.url,
      'ps_v1',
      `SHOW TAG VALUES FROM patchstorm_generator WITH KEY IN ("run", "profile", "target")`,
    );
    expect(runTags.series?.[0]?.values).toEqual([
      ['profile', 'patch-tuesday'],
      ['run', 'run-v1'],
      ['target', 'embedded'],
    ]);
    const skipped = await influxQuery(
      server.url,
      'ps_v1',
      `SELECT sum(count) FROM patchstorm_skipped WHERE run = 'run-v1' GROUP BY reason`,
    );
    expect(skipped.series?.map((s) => s.tags?.reason).sort()).toEqual(['in-flight-limit', 'stopping']);
  });

  it('prints a ready dashboard URL when --grafana-url is given', async () => {
    const ctx = { ...context(), grafanaUrl: 'https://grafana.example/' };
    const out = influxOutput(`${server.url}/ps_v1`, ctx);
    await out.start(meta('run-link'));
    out.interval(stats(0));
    const report = await out.end({ summary: {} as never });
    expect(report.detail).toContain(
      `dashboard: https://grafana.example/d/patchstorm-capacity-review/?var-run=run-link&from=${VIRTUAL_START}&to=${VIRTUAL_START + 200_000}`,
    );
  });
});

describe('--out influxdb: InfluxDB 2.x write path (victoria-metrics)', () => {
  let server: TsServer;
  beforeAll(async () => {
    server = await startVictoriaMetrics();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('writes through /api/v2/write with org and bucket; the points come back with their tags and virtual times', async () => {
    const out = influxOutput(
      `${server.url}?org=ops&bucket=patch`,
      context({ PATCHSTORM_INFLUXDB_TOKEN: 'tkn' }),
    );
    await out.preflight?.();
    await out.start(meta('run-v2'));
    for (let i = 0; i < 2; i++) out.interval(stats(i));
    const report = await out.end({ summary: {} as never });
    expect(report.detail).toMatch(/^InfluxDB: 19 points written, 0 dropped/);

    // VictoriaMetrics makes samples searchable a moment after a forced flush: poll (bounded).
    type Exported = { metric: Record<string, string>; values: number[]; timestamps: number[] };
    let lines: Exported[] = [];
    for (let attempt = 0; attempt < 50 && lines.length < 2; attempt++) {
      await fetch(`${server.url}/internal/force_flush`);
      const res = await fetch(
        `${server.url}/api/v1/export?match[]=${encodeURIComponent('patchstorm_op_p95_ms{run="run-v2"}')}`,
      );
      lines = (await res.text())
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Exported);
      if (lines.length < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect(lines.map((l) => l.metric.op).sort()).toEqual(['mp.statemsg', 'wsus.SyncUpdates']);
    for (const l of lines) {
      expect(l.metric).toMatchObject({ run: 'run-v2', profile: 'patch-tuesday', target: 'embedded' });
      expect(l.timestamps).toEqual([VIRTUAL_START + 200_000, VIRTUAL_START + 400_000]);
      expect(l.values).toEqual([5, 5]);
    }
  });
});

describe('--out influxdb: the server dies mid-run', () => {
  it('keeps interval() cheap, counts what was not written as dropped, and ends in bounded time', async () => {
    const server = await startInfluxd();
    try {
      const options = {
        ...DEFAULT_INFLUX_OPTIONS,
        maxBufferLines: 200,
        endTimeoutMs: 3000,
        requestTimeoutMs: 2000,
        flushIntervalMs: 200,
      };
      const target = parseInfluxUrl(`http://ops:pa55word@127.0.0.1:${server.port}/ps_kill`, {});
      const ctx = context();
      const out = new InfluxOutput(target, ctx, options);
      await out.preflight();
      await out.start(meta('run-kill'));
      for (let i = 0; i < 5; i++) out.interval(stats(i));
      await new Promise((r) => setTimeout(r, 800)); // these land
      await server.kill();

      let slowest = 0;
      for (let i = 5; i < 105; i++) {
        const t0 = performance.now();
        out.interval(stats(i));
        slowest = Math.max(slowest, performance.now() - t0);
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 50)); // let batches fail and retry
      }
      expect(slowest).toBeLessThan(50);

      const t0 = Date.now();
      const report = await out.end({ summary: {} as never });
      expect(Date.now() - t0).toBeLessThan(options.endTimeoutMs + 2000);
      const m = /^InfluxDB: ([\d,]+) points written, ([\d,]+) dropped/.exec(report.detail);
      const written = Number(m?.[1]?.replace(/,/g, ''));
      const dropped = Number(m?.[2]?.replace(/,/g, ''));
      expect(written).toBe(1 + 5 * 9);
      expect(written + dropped).toBe(1 + 105 * 9);
      expect(report.ok).toBe(true); // the server's outage, counted; not the output's failure
      expect(report.detail).toContain('last error');
      expect(report.detail).not.toContain('pa55word');
      expect(ctx.printed()).not.toContain('pa55word');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
