import type { Command } from 'commander';
import { DataSource } from 'typeorm';
import { verifyAuditChain, type AuditVerification } from '@intel/audit';
import { HUB_DATABASE_NAME_DEFAULT, loadToolConfig } from '@intel/config';
import { withDatabase } from '@intel/db';
import { PhaseProgress } from './resolve.command';

/** The verdict as a short table, then one line per problem. */
export function formatAuditVerification(database: string, result: AuditVerification): string {
  const head = result.head ? `seq ${result.head.seq}, hash ${result.head.hash}` : '(none)';
  const problems = result.truncated
    ? `${result.problems.length}+ (only the first ${result.problems.length} listed)`
    : String(result.problems.length);
  const table: Array<[string, string]> = [
    ['database', database],
    ['rows checked', String(result.rows)],
    ['audit_head', head],
    ['problems', problems],
    [
      'result',
      result.ok ? 'OK: the chain is intact' : 'FAILED: the audit log has been tampered with',
    ],
  ];
  const width = Math.max(...table.map(([k]) => k.length));
  const lines = table.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const p of result.problems) lines.push(`  seq ${p.seq}: ${p.problem}`);
  return lines.join('\n') + '\n';
}

/**
 * `npm run cli -- audit verify [--database intel_hub]`: recomputes the audit log's hash chain
 * (DPA 2018 s.62 logs, libs/audit) and compares it with audit_head. Exits 1 if anything is wrong.
 * Reads only: it neither creates the database nor runs migrations.
 */
export async function verifyAuditCommand(database: string): Promise<boolean> {
  const ds = new DataSource({
    type: 'postgres',
    url: withDatabase(loadToolConfig().databaseUrl, database),
    synchronize: false,
    logging: false,
    applicationName: 'intel-cli audit verify',
    extra: { max: 1 },
  });
  await ds.initialize();
  const progress = new PhaseProgress();
  try {
    const result = await verifyAuditChain(ds, {
      onProgress: (done, total) => progress.update('verify', done, total),
    });
    progress.stop();
    process.stdout.write(formatAuditVerification(database, result));
    return result.ok;
  } catch (err) {
    progress.stop();
    if ((err as { code?: string }).code === '42P01') {
      throw new Error(`database ${database} has no audit log (the hub's migrations have not run)`, {
        cause: err,
      });
    }
    throw err;
  } finally {
    await ds.destroy();
  }
}

export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .description('the audit log of consultations and disclosures');
  audit
    .command('verify')
    .description('check the audit log hash chain and audit_head; exit 1 if it was tampered with')
    .option('--database <name>', 'database holding the audit log', HUB_DATABASE_NAME_DEFAULT)
    .action(async (opts: { database: string }) => {
      if (!(await verifyAuditCommand(opts.database))) process.exitCode = 1;
    });
}
