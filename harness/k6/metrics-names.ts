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
