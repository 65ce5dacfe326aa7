// The outputs `--out NAME[=ARG]` can name, and what every output factory is given. One file per
// output beside this one; each exports an OutputFactory registered here.
import type { RunOutput } from './output.ts';

export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface OutputContext {
  /** The run's folder (`--out-dir`, default reports/<timestamp>): relative FILE args resolve here. */
  outDir: string;
  /** Environment (PATCHSTORM_INFLUXDB_TOKEN …): passed in, never read from process.env by an output. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where terminal outputs write (null = silent). */
  stdout: OutputStream | null;
  /** `--grafana-url`: base URL of the operator's Grafana, for a ready dashboard link at the end. */
  grafanaUrl?: string;
}

/** Builds an output from the text after `NAME=` (undefined when `--out NAME` has no `=`). */
export type OutputFactory = (arg: string | undefined, ctx: OutputContext) => RunOutput;

export interface OutputKind {
  factory: OutputFactory;
  /** One line for --help. */
  usage: string;
  /** Always on (arguments may still be given once, e.g. json=FILE). */
  always?: boolean;
  /** May be given several times (e.g. two InfluxDB servers). */
  repeatable?: boolean;
}
