// `patchstorm report DIR [--out FILE]`: the HTML report of a finished run, from the folder the run wrote
// (`--out-dir`: timeline.ndjson and summary.json). Writes DIR/report.html unless --out names a file.
import { join, resolve } from 'node:path';
import { Command, type CommanderError } from 'commander';
import { EXIT_INVALID_INPUT, EXIT_OK } from '../metrics/exit-codes.ts';
import { formatBytes } from '../metrics/format.ts';
import { DEFAULT_HTML_FILE } from '../metrics/outputs/html.ts';
import { ReportInputError, readRunFolder } from '../metrics/report/run-folder.ts';
import { writeReport } from '../metrics/report/write-report.ts';

export function reportCommand(): Command {
  return new Command('report')
    .description(
      "Build the self-contained HTML report of a finished run from its folder (the run's --out-dir, holding " +
        'timeline.ndjson and summary.json). Opens offline: charts on the virtual clock, summary, thresholds, events.',
    )
    .argument('<dir>', "the run's folder (--out-dir of `patchstorm run`)")
    .option('--out <file>', `where to write the report (default: DIR/${DEFAULT_HTML_FILE})`)
    .exitOverride((err: CommanderError) => {
      if (err.exitCode !== 0) process.exit(EXIT_INVALID_INPUT);
    })
    .action(async (dir: string, flags: { out?: string }) => {
      process.exitCode = await runReport(dir, flags.out);
    });
}

export interface ReportIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runReport(
  dir: string,
  out: string | undefined,
  io: ReportIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const file = resolve(out ?? join(dir, DEFAULT_HTML_FILE));
  try {
    const model = await readRunFolder(dir);
    const written = await writeReport(model, file);
    io.stdout.write(
      `report: ${written.file} (${formatBytes(written.bytes)}, ${model.intervals.toLocaleString('en-US')} intervals)\n`,
    );
    return EXIT_OK;
  } catch (err) {
    if (err instanceof ReportInputError) {
      io.stderr.write(`patchstorm report: ${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.syscall !== undefined) {
      // The report could not be written (no such folder for --out, no permission): the input was wrong.
      io.stderr.write(`patchstorm report: cannot write ${file}: ${e.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
}
