import type { DataSource } from 'typeorm';
import { inTransaction, type Sql } from '@intel/db';
import {
  GENESIS_HASH,
  canonicalJson,
  chainHash,
  normaliseAuditEntry,
  type AuditEntryInput,
  type AuditRow,
} from './audit-entry';

/**
 * Advisory lock key that serialises appenders across processes sharing one database (libs/db
 * uses 7342001 for migrations). Held for one transaction only.
 */
export const AUDIT_CHAIN_LOCK = 7342101;

export interface AuditLogOptions {
  /** Most entries committed in one transaction (the rest wait for the next). */
  maxGroupSize?: number;
}

interface Pending {
  entry: AuditEntryInput;
  resolve: (row: AuditRow) => void;
  reject: (err: unknown) => void;
}

/**
 * The append-only, hash-chained log of consultations and disclosures (DPA 2018 s.62).
 *
 * Group commit: appends are queued, and one flusher at a time commits everything queued in a
 * single transaction (advisory lock, audit_head FOR UPDATE, one multi-row INSERT, head upsert),
 * so the chain costs one round of locking per group rather than per query. Each caller's promise
 * settles only after its group commits; if the transaction fails, every promise in the group
 * rejects and the caller must refuse to answer: nothing is disclosed unaudited.
 */
export class AuditLog {
  private readonly queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly maxGroupSize: number;

  constructor(
    private readonly ds: DataSource,
    options: AuditLogOptions = {},
  ) {
    this.maxGroupSize = options.maxGroupSize ?? 1000;
  }

  /** Resolves with the stored row once committed; its `seq` is the caller's audit reference. */
  append(entry: AuditEntryInput): Promise<AuditRow> {
    if (this.closed) return Promise.reject(new Error('audit log is closed'));
    let normalised: AuditEntryInput;
    try {
      normalised = normaliseAuditEntry(entry);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise<AuditRow>((resolve, reject) => {
      this.queue.push({ entry: normalised, resolve, reject });
      this.kick();
    });
  }

  /** Stops taking entries and waits until everything queued has been committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
  }

  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flushGroup().then(() => {
      this.flushing = undefined;
      this.kick();
    });
  }

  /** Commits one group; never rejects (the group's callers get the outcome). */
  private async flushGroup(): Promise<void> {
    // Let appends made in the same tick join the group.
    await Promise.resolve();
    const group = this.queue.splice(0, this.maxGroupSize);
    if (group.length === 0) return;
    try {
      const rows = await inTransaction(this.ds, (tx) => this.insertGroup(tx, group));
      group.forEach((p, i) => p.resolve(rows[i] as AuditRow));
    } catch (err) {
      for (const p of group) p.reject(err);
    }
  }

  private async insertGroup(tx: Sql, group: Pending[]): Promise<AuditRow[]> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const [head] = await tx.query<Array<{ seq: string; hash: string }>>(
      'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE',
    );
    let seq = head ? Number(head.seq) : 0;
    let prevHash = head ? head.hash : GENESIS_HASH;
    const rows = group.map(({ entry }): AuditRow => {
      seq++;
      const unhashed = { ...entry, seq, prevHash };
      const row = { ...unhashed, hash: chainHash(prevHash, unhashed) };
      prevHash = row.hash;
      return row;
    });
    // Columns as arrays, one INSERT for the group. recipients travel as JSON (unnest cannot
    // take a ragged text[][]) and are unpacked in order.
    await tx.query(
      `INSERT INTO audit_log (seq, at, caller_force, caller_name, action, purpose_code, reason,
                              operation_ref, request, response, recipients, prev_hash, hash)
       SELECT t.seq, t.at, t.caller_force, t.caller_name, t.action, t.purpose_code, t.reason,
              t.operation_ref, t.request, t.response,
              ARRAY(SELECT r.value FROM jsonb_array_elements_text(t.recipients)
                      WITH ORDINALITY AS r(value, n) ORDER BY r.n),
              t.prev_hash, t.hash
       FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
                   $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::jsonb[], $11::jsonb[],
                   $12::text[], $13::text[])
         AS t(seq, at, caller_force, caller_name, action, purpose_code, reason, operation_ref,
              request, response, recipients, prev_hash, hash)`,
      [
        rows.map((r) => r.seq),
        rows.map((r) => r.at.toISOString()),
        rows.map((r) => r.callerForce),
        rows.map((r) => r.callerName),
        rows.map((r) => r.action),
        rows.map((r) => r.purposeCode),
        rows.map((r) => r.reason),
        rows.map((r) => r.operationRef),
        rows.map((r) => canonicalJson(r.request)),
        rows.map((r) => canonicalJson(r.response)),
        rows.map((r) => canonicalJson(r.recipients)),
        rows.map((r) => r.prevHash),
        rows.map((r) => r.hash),
      ],
    );
    await tx.query(
      `INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
       ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash`,
      [seq, prevHash],
    );
    return rows;
  }
}
