#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands';

/** Operator commands: `npm run cli -- <command>` (DESIGN.md §2, apps/cli). */
async function main(): Promise<void> {
  const program = new Command('intel')
    .description('Operator commands for the inter-force intelligence sharing platform')
    .showHelpAfterError();
  registerCommands(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
