// Machine-readable report: the whole ConformanceReport as JSON with a schema version, for dashboards
// and for diffing two runs.
import type { ConformanceReport } from '../runner.ts';

export const JSON_REPORT_SCHEMA = 'patchstorm.conformance/1';

export function formatJsonReport(report: ConformanceReport): string {
  return `${JSON.stringify({ schema: JSON_REPORT_SCHEMA, ...report }, null, 2)}\n`;
}
