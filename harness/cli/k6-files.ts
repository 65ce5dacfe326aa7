// The files `patchstorm k6` writes beside the script: how to run it (README.md) and a k6-operator TestRun.
import type { K6ScriptConfig } from '../k6/config.ts';
import { METRIC } from '../k6/metrics-names.ts';

/** The k6 modules and names the script imports (test/k6/bundle.test.ts checks the bundle against it). */
export const K6_APIS_USED = [
  'k6: sleep',
  'k6/execution: default (exec.vu.idInTest, exec.test.options.executionSegment, exec.test.options.executionSegmentSequence)',
  "k6/http: default (http.batch, http.CookieJar); responses: status, headers, body (responseType 'binary' / 'none'), timings.duration, error, error_code",
  "k6/crypto: createHash ('sha1'), randomBytes, sha256 (hex)",
  'k6/metrics: Trend, Counter, Rate',
  'globals: __ENV, console.log, Date.now',
  "options: scenarios (one 'per-vu-iterations' scenario), thresholds, tags (run, profile, target: on every metric), batch, batchPerHost, setupTimeout; exports setup() and the default function",
] as const;

export function k6Readme(
  config: K6ScriptConfig,
  o: { embedded: boolean; notConverted: string[]; parallelism: number },
): string {
  const t = config.behaviourOptions.targets;
  const wallMin = Math.ceil(config.durationMs / config.speed / 60_000);
  return `# patchstorm k6 script: '${config.profileName}'

\`patchstorm.js\` emulates **${config.fleetSize.toLocaleString('en-US')} ConfigMgr clients** (seed ${config.seed})
for ${Math.round(config.durationMs / 60_000)} virtual minutes at speed ×${config.speed} (about ${wallMin} wall minutes)
with patchstorm's client state machine and client layer, on **k6 v0.48.0 or later** (ES2017 bundle, k6 modules
only). Each of the ${config.vus} VUs owns a striped slice of the fleet (VU n: clients n-1, n-1+${config.vus}, …),
steps it on the virtual clock and sends each round of due requests as one \`http.batch\`.

Targets built in: MP ${t.mp}, SUP ${t.sups.join(', ')}, site code ${t.siteCode}.${
    o.embedded
      ? `\nThey were an embedded reference site started only for the build (its catalog was discovered then):
give your site's at run time, e.g. a reference site with the same catalog: \`patchstorm serve --seed ${config.seed}\`.`
      : ''
  }

## Run

\`\`\`sh
k6 run -e PATCHSTORM_MP=http://mp01 -e PATCHSTORM_SUP=http://sup01:8530,http://sup02:8530 patchstorm.js
\`\`\`

Environment (\`-e NAME=value\`):
- \`PATCHSTORM_MP\`, \`PATCHSTORM_SUP\` (comma-separated, in client order), \`PATCHSTORM_SITE_CODE\`: override the
  built-in targets. The catalog knowledge was discovered at build time: the SUPs must serve that catalog.
- \`PATCHSTORM_RUN\`: the \`run\` tag of every metric (default \`${config.runId}\`, chosen at build time so every
  instance of a distributed test tags the same run; give a new one when you run the script again).
- \`PATCHSTORM_START\` (epoch ms or ISO time): the virtual start. Without it each instance starts its clients'
  clock at its own \`setup()\` time; give the same value to every instance of a distributed test.

Exit code 99 when a threshold is breached (k6's own).

## Scale out: execution segments

One fleet over several hosts, disjoint slices, no client twice (k6 numbers VUs across the whole test, and the
fleet is striped over that number):

\`\`\`sh
# host 1 of 4 … host 4 of 4
k6 run --execution-segment 0:1/4   --execution-segment-sequence 0,1/4,1/2,3/4,1 -e PATCHSTORM_START=… patchstorm.js
k6 run --execution-segment 1/4:1/2 --execution-segment-sequence 0,1/4,1/2,3/4,1 -e PATCHSTORM_START=… patchstorm.js
k6 run --execution-segment 1/2:3/4 --execution-segment-sequence 0,1/4,1/2,3/4,1 -e PATCHSTORM_START=… patchstorm.js
k6 run --execution-segment 3/4:1   --execution-segment-sequence 0,1/4,1/2,3/4,1 -e PATCHSTORM_START=… patchstorm.js
\`\`\`

Keep the VU count (${config.vus}) a multiple of the number of segments so each host gets the same share.

## k6-operator

\`\`\`sh
kubectl create configmap patchstorm-script --from-file=patchstorm.js
kubectl apply -f testrun.yaml     # parallelism ${o.parallelism}: k6-operator gives each runner its segment
\`\`\`

## Metrics and the capacity-review dashboards

The script records patchstorm's operations as k6 custom metrics; with \`--out influxdb=http://influx:8086/patchstorm\`
k6 writes one InfluxDB 1.x measurement per metric, tags as fields of the series:

| k6 measurement (tags) | patchstorm figure (dashboards/README.md) |
|---|---|
| \`${METRIC.latency}\` (\`op\`), value ms | latency per operation (p50/p95/p99 panels: \`percentile("value", 95)\` grouped by \`op\`) |
| \`${METRIC.requests}\` (\`op\`), value 1 per request | requests per operation and request rate (\`sum("value")\` per interval, by \`op\`) |
| \`${METRIC.errors}\` (\`op\`, \`kind\`), value 1 per error | errors by kind and operation (same kinds as \`patchstorm run\`) |
| \`${METRIC.errorRate}\` (\`op\`), 0/1 per request | error rate (\`mean("value")\`) |
| \`http_req_duration\` (\`op\`, \`status\`, \`url\`, …) | k6's own request timing, tagged with the same \`op\` |
| \`vus\`, \`iterations\` | generator side (no lateness figure: k6 does not measure it) |

k6 writes field \`value\` at **wall** time. The script tags every metric with \`run\` (\`${config.runId}\` or
\`-e PATCHSTORM_RUN\`), \`profile\` and \`target\` (\`options.tags\`). Import patchstorm's
\`dashboards/dist/capacity-review-k6.json\` (**Capacity review (k6)**) and pick the run: it reads these
measurements and k6's own (\`http_reqs\`, \`http_req_duration\`, \`http_req_failed\`, \`vus\`).

Thresholds (\`options.thresholds\`): ${
    Object.entries(config.thresholds)
      .map(([m, l]) => `\`${m}\`: ${l.join(', ')}`)
      .join('; ') || 'none'
  }.${o.notConverted.length > 0 ? `\nNot checked by k6: ${o.notConverted.join('; ')}.` : ''}

## What the script uses of k6

${K6_APIS_USED.map((a) => `- ${a}`).join('\n')}

Proven here without a k6 binary: the bundle parses as ES2017 and has no \`??\`, and it runs against patchstorm's
reference site through a **k6-API adapter** (test/support/k6-adapter.ts: sync \`http.batch\`, \`sleep\` on a virtual
clock, \`Trend\`/\`Counter\`/\`Rate\`, \`exec\`, \`k6/crypto\` on node:crypto) in a V8 context shaped like k6 v0.48's.
Not proven until run on a real k6: k6's own http.batch concurrency and timings, custom methods (\`CCM_POST\`) on
the wire, memory per VU (each VU holds its own copy of the catalog knowledge).
`;
}

export function k6TestRun(config: K6ScriptConfig, parallelism: number): string {
  return `# k6-operator TestRun: ${parallelism} runner pod(s), each given its execution segment by the operator.
# kubectl create configmap patchstorm-script --from-file=patchstorm.js && kubectl apply -f testrun.yaml
apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: patchstorm-${config.profileName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}
spec:
  parallelism: ${parallelism}
  script:
    configMap:
      name: patchstorm-script
      file: patchstorm.js
  arguments: --out influxdb=http://influxdb:8086/patchstorm
  runner:
    image: grafana/k6:0.48.0
    env:
      - name: PATCHSTORM_MP
        value: "${config.behaviourOptions.targets.mp}"
      - name: PATCHSTORM_SUP
        value: "${config.behaviourOptions.targets.sups.join(',')}"
      # The same virtual start for every runner (epoch ms or ISO time); unset: each runner's own setup time.
      - name: PATCHSTORM_START
        value: ""
`;
}
