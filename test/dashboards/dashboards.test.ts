// The Grafana dashboards without a Grafana server: dist/ is what `npm run dashboards` builds, every
// dashboard validates against the shared dashboard JSON schema, and every query (panels, variables,
// the events annotation) returns data with the expected tags from a real InfluxDB that a real short
// run wrote into. A query naming a field that is not written fails the checker.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, renderDashboards } from '../../dashboards/build.ts';
import { FIXTURES_DIR } from '../paths.ts';
import { checkQuery, collectQueries, expand, type Expansion } from '../support/dashboard-queries.ts';
import { type FilledRun, fillViaCli } from '../support/filled-influx.ts';
import { influxQuery, startInfluxd, type TsServer } from '../support/influx-server.ts';

const dashboards = [...renderDashboards()].map(([file, text]) => ({ file, text, json: JSON.parse(text) }));

describe('dashboards/dist', () => {
  it.each(dashboards.map((d) => [d.file, d]))('%s is current (npm run dashboards)', (_file, d) => {
    expect(readFileSync(join(DIST, d.file), 'utf8')).toBe(d.text);
  });

  it.each(dashboards.map((d) => [d.file, d]))(
    '%s validates against the Grafana dashboard schema',
    (_file, d) => {
      const schema = JSON.parse(
        readFileSync(join(FIXTURES_DIR, 'grafana/dashboard.jsonschema.json'), 'utf8'),
      );
      const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
      const validate = ajv.compile(schema);
      const ok = validate(d.json);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    },
  );
});

describe('every dashboard query against a real run in InfluxDB 1.x', () => {
  const DB = 'review';
  let server: TsServer;
  let run: FilledRun;
  let expansion: Expansion;

  beforeAll(async () => {
    server = await startInfluxd();
    run = await fillViaCli(`${server.url}/${DB}`);
    const ops = await influxQuery(
      server.url,
      DB,
      `SHOW TAG VALUES FROM "patchstorm_op" WITH KEY = "op" WHERE "run" = '${run.runId}'`,
    );
    const allOps = (ops.series?.[0]?.values ?? []).map((v) => String(v[1]));
    expansion = {
      vars: { run: run.runId, runA: run.runId, runB: run.runId, op: allOps },
      fromMs: run.fromMs,
      toMs: run.toMs,
      // Grafana's $__interval for ~100 points over the range.
      intervalS: Math.max(1, Math.round((run.toMs - run.fromMs) / 100_000)),
    };
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('the run exercised SyncUpdates, state messages, the DP and a deployment', async () => {
    const ops = expansion.vars.op as string[];
    expect(ops).toEqual(expect.arrayContaining(['wsus.SyncUpdates', 'mp.statemsg', 'dp.get']));
  });

  // The k6 variant reads k6's measurements: test/dashboards/capacity-review-k6.test.ts runs its queries.
  const queries = dashboards
    .filter((d) => d.file !== 'capacity-review-k6.json')
    .flatMap((d) => collectQueries(d.json));
  it('finds the queries of every panel, variable and annotation', () => {
    expect(queries.length).toBeGreaterThan(40);
  });

  it.each(queries.map((q) => [q.where, q.query]))('%s', async (_where, query) => {
    expect(await checkQuery(server.url, DB, expand(query, expansion))).toBeGreaterThan(0);
  });

  it('the checker fails a query naming a field that is not written', async () => {
    const good = queries.find((q) => q.query.includes('mean("rate")'))!.query;
    await expect(checkQuery(server.url, DB, expand(good, expansion))).resolves.toBeGreaterThan(0);
    const bogus = good.replace('mean("rate")', 'mean("rate_per_client")');
    await expect(checkQuery(server.url, DB, expand(bogus, expansion))).rejects.toThrow(/no series/);
    // One good column and one bogus: the bogus column is null throughout.
    const mixed = good.replace('mean("rate")', 'mean("rate"), mean("p95")');
    await expect(checkQuery(server.url, DB, expand(mixed, expansion))).rejects.toThrow(
      /column "mean_1" has no value/,
    );
  });

  it('the checker fails a GROUP BY tag the points do not carry', async () => {
    const good = queries.find((q) => q.query.includes('GROUP BY time($__interval), "op"'))!.query;
    const wrongTag = good.replace('"op" fill', '"deployment" fill');
    await expect(checkQuery(server.url, DB, expand(wrongTag, expansion))).rejects.toThrow(
      /has no "deployment" tag/,
    );
  });
});
