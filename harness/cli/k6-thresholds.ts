// A profile's pass/fail limits (harness/metrics/thresholds.ts) as k6 `options.thresholds` on the script's
// custom metrics (harness/k6/metrics.ts): k6 exits 99 when one is breached. What k6 cannot evaluate from
// inside the script is named, so `patchstorm k6` can say which limits the k6 run does not check.
import { METRIC } from '../k6/metrics-names.ts';
import type { Thresholds } from '../metrics/thresholds.ts';

export interface K6Thresholds {
  thresholds: Record<string, string[]>;
  /** Limits with no k6 form, each with why. */
  notConverted: string[];
}

export function k6Thresholds(t: Thresholds): K6Thresholds {
  const thresholds: Record<string, string[]> = {};
  const notConverted: string[] = [];
  for (const [op, ms] of Object.entries(t.p95Ms ?? {})) {
    // '*' is every operation's own p95 in patchstorm; k6 has no per-tag wildcard, so it becomes the p95
    // over all operations together (each named operation keeps its own limit).
    const name = op === '*' ? METRIC.latency : `${METRIC.latency}{op:${op}}`;
    thresholds[name] = [`p(95)<=${ms}`];
  }
  if (t.errorRate !== undefined) thresholds[METRIC.errorRate] = [`rate<=${t.errorRate}`];
  for (const kind of Object.keys(t.errorRateByKind ?? {})) {
    notConverted.push(
      `errorRate[${kind}]: a k6 rate over tagged samples sees only that kind's samples, not all requests`,
    );
  }
  if (t.maxBacklogAgeMs !== undefined) {
    notConverted.push(
      "maxBacklogAge: the site's backlog is read from its observer API, not by the k6 script",
    );
  }
  if (t.latenessP99Ms !== undefined) {
    notConverted.push('latenessP99: k6 reports its own scheduling (vus, iteration_duration), not lateness');
  }
  return { thresholds, notConverted };
}
