// The `patchstorm` command: one line per subcommand, each built in its own module.
import { Command } from 'commander';
import { benchCommand } from './bench.ts';
import { conformanceCommand } from './conformance.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { serveCommand } from './serve.ts';

const program = new Command('patchstorm')
  .description(
    'Load generator, conformance suite and reference site for ConfigMgr software-update infrastructure',
  )
  .version('0.1.0');

program.addCommand(runCommand());
program.addCommand(serveCommand());
program.addCommand(conformanceCommand());
program.addCommand(benchCommand());
program.addCommand(reportCommand());

await program.parseAsync(process.argv);
