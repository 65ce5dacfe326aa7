// The k6 custom metric names of a patchstorm script, one home: metrics.ts records them, the CLI's
// thresholds (harness/cli/k6-thresholds.ts) and the dashboard mapping (README.md) name them. No k6 import
// here, so Node code can read the names.
export const METRIC = {
  /** Trend, ms, tag `op`: reply latency per operation. */
  latency: 'patchstorm_latency',
  /** Counter, tag `op`: requests sent. */
  requests: 'patchstorm_requests',
  /** Counter, tags `op`, `kind` (harness/client/error-kinds.ts): errors. */
  errors: 'patchstorm_errors',
  /** Rate, tag `op`: share of requests that counted as an error. */
  errorRate: 'patchstorm_error_rate',
} as const;

/**
 * The InfluxDB measurements a k6 run of the script writes with `--out influxdb=` that the capacity-review
 * (k6) dashboard reads: the custom metrics above and k6's built-ins (names as k6 v0.48 emits them).
 */
export const K6_MEASUREMENTS = {
  ...METRIC,
  /** Counter, one per request; tags: op, method, status, name, expected_response, error_code … */
  httpReqs: 'http_reqs',
  /** Trend, ms: k6's own request timing, same tags. */
  httpReqDuration: 'http_req_duration',
  /** Rate: 1 when the status is not 2xx/3xx (or no reply). */
  httpReqFailed: 'http_req_failed',
  /** Gauge, every second: active VUs of the instance (test-wide tags only). */
  vus: 'vus',
} as const;

/** Tags on those points: the script's (`op`, `kind`), its options.tags (`run`, `profile`, `target`), k6's system tags. */
export const K6_TAGS = [
  'op',
  'kind',
  'run',
  'profile',
  'target',
  'scenario',
  'status',
  'method',
  'name',
  'expected_response',
  'error_code',
] as const;
