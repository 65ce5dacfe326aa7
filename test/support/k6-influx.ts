// What k6 v0.48's built-in `--out influxdb=` (InfluxDB v1) would write for the samples a k6-API adapter run
// recorded (test/support/k6-adapter.ts): k6's format REPRODUCED here, not written by a real k6. What it
// follows, from k6's source (github.com/grafana/k6):
// - output/influxdb/output.go (internal/output/influxdb since v0.5x), batchFromSamples: one point per
//   sample; measurement = the metric's name (sample.Metric.Name); tags = the sample's tag set
//   (sample.Tags.Map()) minus the TagsAsFields, which become fields (string kind unless `name:int` …);
//   one more field `value` = sample.Value (float64); time = sample.Time (the wall clock when measured).
//   Sample metadata (`vu`, `iter` since v0.41) is not written.
// - output/influxdb/config.go, NewConfig: TagsAsFields defaults to vu, iter, url (K6_INFLUXDB_TAGS_AS_FIELDS
//   or ?tagsAsFields= replace the list); the URL path is the database; precision unset = nanoseconds.
// - influxdb1-client/models (the client k6 writes with): tags sorted by key, a tag with an empty value is
//   left out (the root `group` tag is ""), floats in shortest 'f' form, strings quoted.
// The tags a sample carries are the adapter's business (k6-vu-worker.mjs: test-wide `options.tags`,
// `scenario`, the request's system tags for http_req_*), as k6 v0.48 sets them by default.

export interface K6Sample {
  metric: string;
  /** Wall epoch ms when k6 would have measured it. */
  time: number;
  value: number;
  tags: Record<string, string>;
}

/** k6's default K6_INFLUXDB_TAGS_AS_FIELDS (`vu` and `iter` are metadata in v0.48, so only `url` applies). */
export const K6_DEFAULT_TAGS_AS_FIELDS = ['vu', 'iter', 'url'] as const;

// Line-protocol escaping (InfluxDB 1.x): measurement: comma, space; tag key/value and field key: comma,
// equals, space; string field value: backslash, double quote.
const escMeasurement = (s: string) => s.replace(/[, ]/g, '\\$&');
const escKey = (s: string) => s.replace(/[,= ]/g, '\\$&');
const escString = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent. */
export function formatGoFloat(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`value = ${v}: InfluxDB takes finite floats only`);
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const [mant, expText] = s.split(/e/i) as [string, string];
  const neg = mant.startsWith('-');
  const abs = neg ? mant.slice(1) : mant;
  const dot = abs.indexOf('.');
  const digits = abs.replace('.', '');
  // Where the decimal point goes in `digits` once the exponent is applied.
  const pointAt = (dot === -1 ? abs.length : dot) + Number(expText);
  const body =
    pointAt <= 0
      ? `0.${'0'.repeat(-pointAt)}${digits}`
      : pointAt >= digits.length
        ? digits + '0'.repeat(pointAt - digits.length)
        : `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return (neg ? '-' : '') + body;
}

/** One sample as the line k6 v0.48's InfluxDB v1 output writes (default precision: ns). */
export function k6InfluxLine(
  s: K6Sample,
  tagsAsFields: readonly string[] = K6_DEFAULT_TAGS_AS_FIELDS,
): string {
  const tags: string[] = [];
  const fields: [string, string][] = [];
  for (const [k, v] of Object.entries(s.tags)) {
    if (tagsAsFields.includes(k)) fields.push([k, escString(v)]);
    else if (v !== '') tags.push(`${escKey(k)}=${escKey(v)}`);
  }
  fields.push(['value', formatGoFloat(s.value)]);
  tags.sort();
  fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = [escMeasurement(s.metric), ...tags].join(',');
  const ns = BigInt(Math.round(s.time * 1000)) * 1000n;
  return `${key} ${fields.map(([k, v]) => `${escKey(k)}=${v}`).join(',')} ${ns}`;
}

/**
 * Writes the samples as k6 would (CREATE DATABASE at start, then batches of points; k6 pushes every 1 s,
 * here all at once in chunks) to an InfluxDB 1.x at `url` (http://host:port), database `db`.
 */
export async function writeK6Samples(
  url: string,
  db: string,
  samples: readonly K6Sample[],
  tagsAsFields: readonly string[] = K6_DEFAULT_TAGS_AS_FIELDS,
): Promise<number> {
  const create = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `q=${encodeURIComponent(`CREATE DATABASE "${db}"`)}`,
  });
  if (create.status !== 200) throw new Error(`CREATE DATABASE ${db}: HTTP ${create.status}`);
  const CHUNK = 5000;
  for (let i = 0; i < samples.length; i += CHUNK) {
    const body = samples
      .slice(i, i + CHUNK)
      .map((s) => k6InfluxLine(s, tagsAsFields))
      .join('\n');
    const res = await fetch(`${url}/write?db=${encodeURIComponent(db)}`, { method: 'POST', body });
    if (res.status !== 204) throw new Error(`write to ${db}: HTTP ${res.status} ${await res.text()}`);
  }
  return samples.length;
}
