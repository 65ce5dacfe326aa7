// The "Capacity review (k6)" dashboard against points in k6 v0.48's InfluxDB v1 format: a `patchstorm k6`
// bundle runs through the k6-API ADAPTER (test/support/k6-adapter.ts: not k6) against a real reference
// site, the samples it recorded are written to a real InfluxDB 1.x exactly as k6's built-in output writes
// them (test/support/k6-influx.ts: measurement = metric, tags, `url` as a field, `value`, ns wall time), and
// every query of the dashboard (panels and variables, macros and variables expanded) must return data.
// One of the run's two SUPs refuses connections, so errors have a kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityReviewK6 } from '../../dashboards/capacity-review-k6.ts';
import type { FleetBehaviourOptions } from '../../harness/client/behaviour-options.ts';
import { bundleK6Script } from '../../harness/cli/k6-bundle.ts';
import { createSigningKey } from '../../harness/cli/k6-signing-key.ts';
import type { K6ScriptConfig } from '../../harness/k6/config.ts';
import { K6_MEASUREMENTS } from '../../harness/k6/metrics-names.ts';
import type { RunningSite } from '../../site/server.ts';
import { EMPTY_KNOWLEDGE, startTestSite, T0 } from '../fleet-adapter/site.ts';
import { checkQuery, collectQueries, type Expansion, expand } from '../support/dashboard-queries.ts';
import { freePort, influxQuery, startInfluxd, type TsServer } from '../support/influx-server.ts';
import { type K6AdapterRun, runK6Script } from '../support/k6-adapter.ts';
import { k6InfluxLine, writeK6Samples } from '../support/k6-influx.ts';

const MIN = 60_000;
const SPEED = 40;
const DB = 'k6';
const RUN = 'k6-dashboard-proof';

function options(): FleetBehaviourOptions {
  return {
    fleet: {
      start: 'fresh',
      rolloutRampMs: MIN,
      machines: [{ name: 'win11', build: 22631, weight: 1, installedFraction: 0.5 }],
      timers: { firstScanWindowMs: 3 * MIN },
    },
    targets: { mp: 'http://build.invalid:1', sups: ['http://build.invalid:2'], siteCode: 'PS1' },
    knowledge: EMPTY_KNOWLEDGE,
  };
}

describe('k6 InfluxDB v1 line format (as k6 v0.48 writes it)', () => {
  it('a custom metric sample: measurement = metric, sorted tags, empty tags dropped, field value, ns time', () => {
    const line = k6InfluxLine({
      metric: 'patchstorm_requests',
      time: 1_700_000_000_123,
      value: 1,
      tags: { scenario: 'fleet', op: 'wsus.SyncUpdates', run: 'r 1', group: '' },
    });
    expect(line).toBe(
      'patchstorm_requests,op=wsus.SyncUpdates,run=r\\ 1,scenario=fleet value=1 1700000000123000000',
    );
  });

  it('an http_req_duration sample: url is a string field (TagsAsFields default), other system tags stay tags', () => {
    const line = k6InfluxLine({
      metric: 'http_req_duration',
      time: 1_700_000_000_000,
      value: 0.000_000_5,
      tags: { url: 'http://sup:8530/ClientWebService/client.asmx', status: '200', op: 'wsus.GetConfig' },
    });
    expect(line).toBe(
      'http_req_duration,op=wsus.GetConfig,status=200 url="http://sup:8530/ClientWebService/client.asmx",value=0.0000005 1700000000000000000',
    );
  });
});

describe('Capacity review (k6): every query against a k6-format run in InfluxDB 1.x', () => {
  let influx: TsServer;
  let site: RunningSite;
  let run: K6AdapterRun;
  let expansion: Expansion;

  beforeAll(async () => {
    influx = await startInfluxd();
    site = await startTestSite({ clock: { mode: 'real', speed: SPEED, start: T0 } });
    const { privateKeyPem: _, ...signingKey } = await createSigningKey();
    const config: K6ScriptConfig = {
      profileName: 'k6-dashboard',
      runId: 'built-in-run-id',
      fleetSize: 12,
      seed: 9,
      speed: SPEED,
      durationMs: 8 * MIN,
      vus: 2,
      builtForStart: T0,
      behaviourOptions: options(),
      signingKey,
      thresholds: {},
      requestTimeout: '30s',
      maxBatch: 64,
    };
    // A port nothing listens on: the second SUP refuses, the fleet counts `refused` and switches.
    const deadSup = `http://127.0.0.1:${await freePort()}`;
    run = await runK6Script({
      script: await bundleK6Script(config),
      env: {
        PATCHSTORM_MP: site.urls.mpHttp,
        PATCHSTORM_SUP: `${deadSup},${site.urls.supHttp}`,
        PATCHSTORM_START: String(site.model.clock.now()),
        PATCHSTORM_RUN: RUN,
      },
      instances: [{ segment: '0:1', sequence: '0,1', vuIds: [1, 2] }],
      recordSamples: true,
    });
    await writeK6Samples(influx.url, DB, run.samples);
    const times = run.samples.map((s) => s.time);
    const fromMs = Math.min(...times) - 1000;
    const toMs = Math.max(...times) + 1000;
    const ops = await influxQuery(
      influx.url,
      DB,
      `SHOW TAG VALUES FROM "patchstorm_requests" WITH KEY = "op" WHERE "run" = '${RUN}'`,
    );
    expansion = {
      vars: { run: RUN, op: (ops.series?.[0]?.values ?? []).map((v) => String(v[1])) },
      fromMs,
      toMs,
      intervalS: Math.max(1, Math.round((toMs - fromMs) / 20_000)),
    };
  }, 180_000);

  afterAll(async () => {
    await site?.stop();
    await influx?.stop();
  });

  it('the script tags every point with the run (options.tags) and the dead SUP gave errors', async () => {
    expect(run.options.tags).toEqual({ run: RUN, profile: 'k6-dashboard', target: expect.any(String) });
    const runs = await influxQuery(influx.url, DB, 'SHOW TAG VALUES WITH KEY = "run"');
    expect(new Set(runs.series!.flatMap((s) => s.values.map((v) => v[1])))).toEqual(new Set([RUN]));
    const kinds = await influxQuery(
      influx.url,
      DB,
      'SHOW TAG VALUES FROM "patchstorm_errors" WITH KEY = "kind"',
    );
    expect(kinds.series?.[0]?.values.map((v) => v[1])).toContain('refused');
  });

  it("k6's measurements have k6's shape: field value (float), url a string field on http_req_*", async () => {
    const fields = await influxQuery(influx.url, DB, 'SHOW FIELD KEYS FROM "http_req_duration"');
    expect(fields.series?.[0]?.values).toEqual([
      ['url', 'string'],
      ['value', 'float'],
    ]);
    for (const m of Object.values(K6_MEASUREMENTS)) {
      const f = await influxQuery(influx.url, DB, `SHOW FIELD KEYS FROM "${m}"`);
      expect(f.series?.[0]?.values, m).toContainEqual(['value', 'float']);
    }
    const tags = await influxQuery(influx.url, DB, 'SHOW TAG KEYS FROM "http_reqs"');
    expect(tags.series?.[0]?.values.map((v) => v[0])).toEqual(
      expect.arrayContaining(['op', 'status', 'method', 'name', 'scenario', 'run', 'expected_response']),
    );
  });

  const queries = collectQueries(capacityReviewK6().build() as never);
  it('finds the queries of every panel and variable', () => {
    expect(queries.length).toBeGreaterThan(12);
  });

  it.each(queries.map((q) => [q.where, q.query]))('%s', async (_where, query) => {
    expect(await checkQuery(influx.url, DB, expand(query, expansion))).toBeGreaterThan(0);
  });
});
