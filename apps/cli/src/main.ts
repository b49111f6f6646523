/**
 * The `grugan` command: one subcommand per module under `commands/`. Usage errors (an unknown
 * flag, a bad value) print one line and exit 2; failures inside a command print one line
 * naming the problem and exit non-zero; `--verbose` adds stack traces.
 */
import { Command, CommanderError } from 'commander';
import { CliError, reportError } from './cli-error.js';
import { checkpointCommand } from './commands/checkpoint.js';
import { coordinatorCommand } from './commands/coordinator.js';
import { evalCommand } from './commands/eval.js';
import { reportCommand } from './commands/report.js';
import { sampleCommand } from './commands/sample.js';
import { statsCommand } from './commands/stats.js';
import { sweepCommand } from './commands/sweep.js';
import { trainCommand } from './commands/train.js';
import { trialCommand } from './commands/trial.js';
import { upCommand } from './commands/up.js';
import { workerCommand } from './commands/worker.js';

const program = new Command('grugan')
  .description('GRU-based GANs for synthetic sequences')
  .option('-v, --verbose', 'print stack traces with errors')
  .showSuggestionAfterError(true);

for (const cmd of [trainCommand(), sampleCommand(), checkpointCommand(), statsCommand(), sweepCommand(), trialCommand(), upCommand(), workerCommand(), coordinatorCommand(), evalCommand(), reportCommand()]) {
  program.addCommand(cmd);
}

/** Every (sub)command: errors become exceptions (not process.exit) and print as one line. */
function configure(cmd: Command): void {
  cmd.exitOverride().configureOutput({ outputError: () => {} });
  // --verbose is accepted after the subcommand too.
  if (cmd !== program && !cmd.options.some((o) => o.long === '--verbose')) cmd.option('-v, --verbose', 'print stack traces with errors');
  cmd.commands.forEach(configure);
}
configure(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version "errors" are normal exits.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
      process.exitCode = 0;
    } else {
      process.stderr.write(`grugan: ${err.message.replace(/^error: /, '').split('\n')[0]}\n`);
      process.exitCode = err.exitCode === 0 ? 0 : 2;
    }
  } else if (err instanceof CliError) {
    // Thrown by an option parser (bad flag value).
    process.exitCode = reportError('', err);
  } else {
    process.exitCode = reportError('', err);
  }
}
