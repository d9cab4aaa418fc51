import type { Command } from 'commander';
import { FORCES, isForceCode, loadToolConfig, toolKafkaConfig } from '@intel/config';
import { ADMIN_PRINCIPAL, createKafka, provisionKafka } from '@intel/kafka';

/** The force codes to provision: a comma-separated list, or every known PNC force code. */
export function forcesToProvision(list: string | undefined): string[] {
  if (!list) return Object.keys(FORCES);
  const codes = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = codes.filter((c) => !isForceCode(c));
  if (unknown.length > 0) throw new Error(`not PNC force codes: ${unknown.join(', ')}`);
  return [...new Set(codes)];
}

/**
 * `npm run cli -- kafka-provision [--forces 36,01,46]`: creates the topics (one alert topic per
 * force) and the ACLs of libs/kafka's aclPlan, as the admin principal. Idempotent: run it after
 * every broker start and whenever a force joins (docs/security.md).
 */
export function registerKafkaProvisionCommand(program: Command): void {
  program
    .command('kafka-provision')
    .description('create the Kafka topics and ACLs (as the admin principal; idempotent)')
    .option('--forces <codes>', 'comma-separated PNC force codes (default: every known force)')
    .action(async (opts: { forces?: string }) => {
      const cfg = loadToolConfig();
      if (!cfg.kafkaBrokers) throw new Error('KAFKA_BROKERS is not set');
      const forces = forcesToProvision(opts.forces);
      const kafka = createKafka(toolKafkaConfig(cfg, ADMIN_PRINCIPAL, 'intel-cli-provision'));
      const t0 = Date.now();
      const r = await provisionKafka(kafka, forces);
      process.stdout.write(
        `kafka-provision: ${forces.length} forces, ${r.topicsCreated.length} topics created, ` +
          `${r.grants} ACL grants in place (${Date.now() - t0} ms)\n`,
      );
    });
}
