import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DataSource } from 'typeorm';
import {
  compareWithAnchors,
  parseAnchors,
  storedHashesAt,
  verifyAuditChain,
  type AnchorVerification,
  type AuditVerification,
} from '@intel/audit';
import { HUB_DATABASE_NAME_DEFAULT, loadToolConfig, toolKafkaConfig } from '@intel/config';
import { withDatabase } from '@intel/db';
import {
  AUDITOR_GROUP_PREFIX,
  AUDITOR_PRINCIPAL,
  TOPICS,
  createKafka,
  readTopicToEnd,
} from '@intel/kafka';
import { PhaseProgress } from './resolve.command';

/** The verdict as a short table, then one line per problem. */
export function formatAuditVerification(
  database: string,
  result: AuditVerification,
  anchored?: AnchorVerification,
): string {
  const head = result.head ? `seq ${result.head.seq}, hash ${result.head.hash}` : '(none)';
  const problems = result.truncated
    ? `${result.problems.length}+ (only the first ${result.problems.length} listed)`
    : String(result.problems.length);
  const ok = result.ok && (anchored?.ok ?? true);
  const table: Array<[string, string]> = [
    ['database', database],
    ['rows checked', String(result.rows)],
    ['audit_head', head],
  ];
  if (anchored)
    table.push([
      'signed anchors',
      anchored.last
        ? `${anchored.anchors}, the last of ${anchored.last.at} (seq ${anchored.last.seq})`
        : '0',
    ]);
  table.push(
    ['problems', problems],
    [
      'result',
      ok
        ? anchored
          ? 'OK: the chain is intact and agrees with every signed anchor'
          : 'OK: the chain is intact (not compared with signed anchors: pass --anchors-file or --anchors-from-kafka)'
        : 'FAILED: the audit log has been tampered with',
    ],
  );
  if (anchored && !anchored.ok && result.ok)
    table[table.length - 1] = [
      'result',
      anchored.problems.every((p) => p.problem.includes('overdue') || p.problem.includes('never'))
        ? 'FAILED: anchoring is overdue (the chain itself is intact)'
        : 'FAILED: the chain verifies on its own but contradicts its signed anchors (rewritten)',
    ];
  const width = Math.max(...table.map(([k]) => k.length));
  const lines = table.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const p of result.problems) lines.push(`  seq ${p.seq}: ${p.problem}`);
  for (const p of anchored?.problems ?? []) lines.push(`  seq ${p.seq}: ${p.problem}`);
  return lines.join('\n') + '\n';
}

/**
 * `npm run cli -- audit verify [--database intel_hub]`: recomputes the audit log's hash chain
 * (DPA 2018 s.62 logs, libs/audit) and compares it with audit_head. Exits 1 if anything is wrong.
 * Reads only: it neither creates the database nor runs migrations.
 */
export interface AnchorSource {
  publicKeys: KeyObject[];
  /** JSON-lines file of anchors (AUDIT_ANCHOR_FILE), or undefined. */
  file?: string;
  /** Read intel.audit-anchor.v1 from KAFKA_BROKERS. */
  kafka?: boolean;
  maxAgeMs: number;
}

async function loadAnchors(src: AnchorSource): Promise<string[]> {
  const lines: string[] = [];
  if (src.file) lines.push(...readFileSync(src.file, 'utf8').split('\n'));
  if (src.kafka) {
    // As the auditor principal, which may read the anchors and nothing else.
    const kafka = createKafka(
      toolKafkaConfig(loadToolConfig(), AUDITOR_PRINCIPAL, 'intel-cli-audit-verify'),
    );
    const read = await readTopicToEnd(kafka, TOPICS.auditAnchor, AUDITOR_GROUP_PREFIX);
    lines.push(...read.map((m) => m.value));
  }
  return lines;
}

export async function verifyAuditCommand(
  database: string,
  anchorSource?: AnchorSource,
): Promise<boolean> {
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
    let anchored: AnchorVerification | undefined;
    if (anchorSource) {
      const { anchors } = parseAnchors(await loadAnchors(anchorSource));
      const mine = anchors.filter((a) => a.database === database);
      anchored = compareWithAnchors({
        database,
        anchors,
        publicKeys: anchorSource.publicKeys,
        hashAt: await storedHashesAt(
          ds,
          mine.map((a) => a.seq),
        ),
        head: result.head,
        now: new Date(),
        maxAgeMs: anchorSource.maxAgeMs,
      });
    }
    process.stdout.write(formatAuditVerification(database, result, anchored));
    return result.ok && (anchored?.ok ?? true);
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
    .description(
      'check the audit log hash chain and audit_head, and against the signed anchors of its head; exit 1 if it was tampered with or anchoring is overdue',
    )
    .option('--database <name>', 'database holding the audit log', HUB_DATABASE_NAME_DEFAULT)
    .option(
      '--public-key <pem>',
      "the hub's anchor public key (Ed25519 SPKI PEM); repeat it after a key rotation to trust the earlier key's anchors too",
      (pem: string, all: string[]) => [...all, pem],
      [] as string[],
    )
    .option('--anchors-file <path>', 'anchors the hub appended (AUDIT_ANCHOR_FILE)')
    .option('--anchors-from-kafka', `read the anchors from ${TOPICS.auditAnchor}`)
    .option('--max-anchor-age <seconds>', 'anchoring older than this is overdue', '300')
    .action(
      async (opts: {
        database: string;
        publicKey: string[];
        anchorsFile?: string;
        anchorsFromKafka?: boolean;
        maxAnchorAge: string;
      }) => {
        const anchored = opts.anchorsFile !== undefined || opts.anchorsFromKafka === true;
        if (anchored && opts.publicKey.length === 0)
          throw new Error('--public-key is required to check signed anchors');
        const source = anchored
          ? {
              publicKeys: opts.publicKey.map((pem) => createPublicKey(readFileSync(pem))),
              file: opts.anchorsFile,
              kafka: opts.anchorsFromKafka === true,
              maxAgeMs: Number(opts.maxAnchorAge) * 1000,
            }
          : undefined;
        if (!(await verifyAuditCommand(opts.database, source))) process.exitCode = 1;
      },
    );
}
