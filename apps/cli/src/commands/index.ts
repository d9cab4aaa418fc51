import type { Command } from 'commander';
import { registerAuditCommand } from './audit.command';
import { registerBenchCommand } from './bench.command';
import { registerDbProvisionCommand } from './db-provision.command';
import { registerImportCommand } from './import.command';
import { registerEvalMatchingCommand } from './eval-matching.command';
import { registerGenerateCommand } from './generate.command';
import { registerKafkaProvisionCommand } from './kafka-provision.command';
import { registerKeysCommand } from './keys.command';
import { registerQueryCommands } from './query.command';
import { registerResolveCommand } from './resolve.command';

/** Each command module exports a `register(program)`; add one line here per module. */
export function registerCommands(program: Command): void {
  registerBenchCommand(program);
  registerImportCommand(program);
  registerResolveCommand(program);
  registerGenerateCommand(program);
  registerEvalMatchingCommand(program);
  registerAuditCommand(program);
  registerQueryCommands(program);
  registerKafkaProvisionCommand(program);
  registerDbProvisionCommand(program);
  registerKeysCommand(program);
}
