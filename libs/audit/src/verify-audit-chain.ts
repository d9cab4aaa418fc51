import type { DataSource } from 'typeorm';
import type { AuditRow } from './audit-entry';
import {
  AuditChainVerifier,
  MAX_AUDIT_PROBLEMS,
  type AuditHead,
  type AuditVerification,
} from './audit-chain.verifier';

export interface VerifyAuditChainOptions {
  /** Called after each page with rows checked and the rows the log held when it started. */
  onProgress?(done: number, total: number): void;
  pageSize?: number;
  maxProblems?: number;
}

/** An `audit_log` row as PostgreSQL returns it (snake_case columns). */
export interface AuditLogRecord {
  seq: string;
  at: Date;
  caller_force: string;
  caller_name: string;
  action: string;
  purpose_code: string;
  reason: string;
  operation_ref: string;
  request: unknown;
  response: unknown;
  recipients: string[];
  prev_hash: string;
  hash: string;
}

/** The stored row in the shape the chain hash is computed over. */
export function toAuditRow(r: AuditLogRecord): AuditRow {
  return {
    seq: Number(r.seq),
    at: r.at,
    callerForce: r.caller_force,
    callerName: r.caller_name,
    action: r.action,
    purposeCode: r.purpose_code,
    reason: r.reason,
    operationRef: r.operation_ref,
    request: r.request,
    response: r.response,
    recipients: r.recipients,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Reads the whole audit log in seq order, a page at a time (keyset pagination), and checks the
 * chain and audit_head (audit-chain.verifier.ts). Everything is read in one REPEATABLE READ,
 * READ ONLY transaction: one snapshot, so appends made meanwhile neither show up half-way nor
 * make the head look wrong.
 */
export async function verifyAuditChain(
  ds: DataSource,
  options: VerifyAuditChainOptions = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 5000;
  const verifier = new AuditChainVerifier(options.maxProblems ?? MAX_AUDIT_PROBLEMS);
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction('REPEATABLE READ');
    await qr.query('SET TRANSACTION READ ONLY');
    const [head] = (await qr.query('SELECT seq, hash FROM audit_head WHERE id = 1')) as Array<{
      seq: string;
      hash: string;
    }>;
    const [count] = (await qr.query('SELECT count(*) AS n FROM audit_log')) as Array<{
      n: string;
    }>;
    const total = Number(count?.n ?? 0);
    options.onProgress?.(0, total);
    // Keyset pagination from the smallest bigint, so rows inserted with seq < 1 are seen too.
    let from = '-9223372036854775808';
    for (;;) {
      const page = (await qr.query(
        `SELECT seq, at, caller_force, caller_name, action, purpose_code, reason, operation_ref,
                request, response, recipients, prev_hash, hash
         FROM audit_log WHERE seq >= $1::bigint
         ORDER BY seq LIMIT $2`,
        [from, pageSize],
      )) as AuditLogRecord[];
      for (const r of page) verifier.push(toAuditRow(r));
      options.onProgress?.(verifier.checked, total);
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) break;
      from = (BigInt(last.seq) + 1n).toString();
    }
    await qr.commitTransaction();
    const auditHead: AuditHead | undefined = head
      ? { seq: Number(head.seq), hash: head.hash }
      : undefined;
    return verifier.finish(auditHead);
  } finally {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    await qr.release();
  }
}

/** The stored hash at each of `seqs` that exists (to compare with signed anchors). */
export async function storedHashesAt(
  ds: DataSource,
  seqs: Iterable<number>,
): Promise<Map<number, string>> {
  const list = [...new Set(seqs)];
  if (list.length === 0) return new Map();
  const rows = await ds.query<Array<{ seq: string; hash: string }>>(
    'SELECT seq, hash FROM audit_log WHERE seq = ANY($1::bigint[])',
    [list.map(String)],
  );
  return new Map(rows.map((r) => [Number(r.seq), r.hash]));
}
