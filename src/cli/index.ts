#!/usr/bin/env node
/**
 * The `tide` command. Each subcommand lives in its own file and exports `register(program)`;
 * commands stay thin: parse, call, print.
 */
import { Command } from 'commander';
import { commands } from './commands.js';

const program = new Command()
  .name('tide')
  .description(
    'Tide: an elastic autoscaler with exact HPA/Knative/KEDA semantics, prediction and backtests',
  )
  .version('0.1.0')
  .showHelpAfterError();

for (const register of commands) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`tide: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
