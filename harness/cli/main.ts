// The `patchstorm` command: one line per subcommand, each built in its own module.
import { Command, type CommanderError } from 'commander';
import { EXIT_INVALID_INPUT } from '../metrics/exit-codes.ts';
import { benchCommand } from './bench.ts';
import { conformanceCommand } from './conformance.ts';
import { k6Command } from './k6.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { serveCommand } from './serve.ts';

const program = new Command('patchstorm')
  .description(
    'Load generator, conformance suite and reference site for ConfigMgr software-update infrastructure',
  )
  .version('0.1.0')
  // An unknown command or option is invalid input like any other (exit 2, not commander's 1).
  .exitOverride((err: CommanderError) => {
    if (err.exitCode !== 0) process.exit(EXIT_INVALID_INPUT);
  });

program.addCommand(runCommand());
program.addCommand(serveCommand());
program.addCommand(conformanceCommand());
program.addCommand(benchCommand());
program.addCommand(reportCommand());
program.addCommand(k6Command());

await program.parseAsync(process.argv);
