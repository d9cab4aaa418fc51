#!/usr/bin/env node
import { Command } from 'commander';
import { describeCliError } from './cli-error';
import { registerCommands } from './commands';

/** Operator commands: `npm run cli -- <command>`. */
async function main(): Promise<void> {
  const program = new Command('intel')
    .description('Operator commands for the inter-force intelligence sharing platform')
    .showHelpAfterError();
  registerCommands(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  console.error(describeCliError(err));
  process.exit(1);
});
