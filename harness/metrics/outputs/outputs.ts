// The table of outputs `--out NAME[=ARG]` can name (one file per output beside this one), and the
// parsing of `--out` values: which outputs a run gets, with the always-on ones first.
import { influxOutput } from './influxdb.ts';
import { htmlOutput } from './html.ts';
import { jsonOutput } from './json.ts';
import { type RunOutput, OutputError } from './output.ts';
import { progressOutput } from './progress.ts';
import type { OutputContext, OutputKind } from './registry.ts';
import { summaryOutput } from './summary.ts';
import { timelineOutput } from './timeline.ts';

/** Always-on outputs first, in the order they end: the terminal summary last, to report the others. */
export const OUTPUT_KINDS: Readonly<Record<string, OutputKind>> = {
  progress: { factory: progressOutput, usage: 'progress (always on): the live line', always: true },
  json: { factory: jsonOutput, usage: 'json=FILE (always on, default <out-dir>/summary.json)', always: true },
  timeline: {
    factory: timelineOutput,
    usage: 'timeline=FILE (always on, default <out-dir>/timeline.ndjson): NDJSON, a line per interval',
    always: true,
  },
  summary: { factory: summaryOutput, usage: 'summary (always on): the final table', always: true },
  influxdb: {
    factory: influxOutput,
    usage:
      'influxdb=URL: http://host:8086/DBNAME (InfluxDB 1.x) or http://host:8086?org=ORG&bucket=BUCKET (2.x/3.x, token in PATCHSTORM_INFLUXDB_TOKEN)',
    repeatable: true,
  },
  html: {
    factory: htmlOutput,
    usage: 'html=FILE (default <out-dir>/report.html): the self-contained HTML report, written at the end',
  },
};

export interface OutputSpec {
  name: string;
  arg?: string;
}

export interface ParsedOutFlags {
  specs: OutputSpec[];
  /** A bare `--out DIR` (the old form): the run's folder. */
  legacyOutDir?: string;
}

/**
 * Reads `--out` values: `NAME=ARG`, or a bare output NAME, or (deprecated) a bare folder. Throws an
 * OutputError naming the value and the valid forms for an unknown output or a repeated one that may
 * be given only once.
 */
export function parseOutFlags(values: readonly string[], kinds = OUTPUT_KINDS): ParsedOutFlags {
  const specs: OutputSpec[] = [];
  let legacyOutDir: string | undefined;
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq < 0 ? value : value.slice(0, eq);
    const arg = eq < 0 ? undefined : value.slice(eq + 1);
    if (kinds[name]) {
      if (arg === '')
        throw new OutputError(`--out '${value}': ${name}= needs a value (${kinds[name]!.usage})`);
      specs.push(arg === undefined ? { name } : { name, arg });
      continue;
    }
    if (eq < 0) {
      // The old form: the folder for summary.json (kept so existing scripts do not break).
      if (legacyOutDir !== undefined)
        throw new OutputError(
          `--out '${value}': a second folder (the first was '${legacyOutDir}'); use --out-dir`,
        );
      legacyOutDir = value;
      continue;
    }
    throw new OutputError(`--out '${value}': unknown output '${name}'; valid: ${validForms(kinds)}`);
  }
  for (const [name, kind] of Object.entries(kinds)) {
    const count = specs.filter((s) => s.name === name).length;
    if (count > 1 && !kind.repeatable)
      throw new OutputError(`--out ${name} given ${count} times; it may be given once (${kind.usage})`);
  }
  return legacyOutDir === undefined ? { specs } : { specs, legacyOutDir };
}

function validForms(kinds: Readonly<Record<string, OutputKind>>): string {
  return Object.values(kinds)
    .map((k) => k.usage.split(' ')[0])
    .join(', ');
}

/** The outputs of a run: the always-on ones (with their arguments when given), then the rest in order. */
export function createOutputs(
  specs: readonly OutputSpec[],
  ctx: OutputContext,
  kinds = OUTPUT_KINDS,
): RunOutput[] {
  const outputs: RunOutput[] = [];
  for (const [name, kind] of Object.entries(kinds)) {
    if (!kind.always) continue;
    const given = specs.find((s) => s.name === name);
    outputs.push(kind.factory(given?.arg, ctx));
  }
  for (const spec of specs) {
    const kind = kinds[spec.name]!;
    if (!kind.always) outputs.push(kind.factory(spec.arg, ctx));
  }
  return outputs;
}
