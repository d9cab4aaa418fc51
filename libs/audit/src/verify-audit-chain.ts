import type { DataSource, QueryRunner } from 'typeorm';
import { GENESIS_HASH } from './audit-entry';
import {
  AuditChainVerifier,
  type StoredAuditRow,
  MAX_AUDIT_PROBLEMS,
  type AuditHead,
  type AuditProblem,
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
  /** Not hashed; checked against request and response (absent when not selected). */
  person_ids?: string[] | null;
}

/** The columns of an AuditLogRecord, for a SELECT. */
export const AUDIT_LOG_COLUMNS = `seq, at, caller_force, caller_name, action, purpose_code, reason,
  operation_ref, request, response, recipients, prev_hash, hash, person_ids`;

/** The stored row in the shape the chain hash is computed over, with its persons column if read. */
export function toAuditRow(r: AuditLogRecord): StoredAuditRow {
  const row: StoredAuditRow = {
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
  if (r.person_ids !== undefined) row.personIds = r.person_ids;
  return row;
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
  const verifier = new AuditChainVerifier(options.maxProblems ?? MAX_AUDIT_PROBLEMS);
  return inSnapshot(ds, async (qr) => {
    const head = await readHead(qr);
    const [count] = (await qr.query('SELECT count(*) AS n FROM audit_log')) as Array<{
      n: string;
    }>;
    const total = Number(count?.n ?? 0);
    options.onProgress?.(0, total);
    // From the smallest bigint, so rows inserted with seq < 1 are seen too.
    await pushPages(qr, verifier, -(2n ** 63n), undefined, options.pageSize, (done) =>
      options.onProgress?.(done, total),
    );
    return verifier.finish(head);
  });
}

/** What verifyAuditRange checked, besides the verdict. */
export interface AuditRangeVerification extends AuditVerification {
  fromSeq: number;
  /** The last seq checked: the one asked for, or the head when the range went past it. */
  toSeq: number;
  /** The lowest seq with a problem (the first broken row), if any. */
  firstBadSeq: number | undefined;
}

/**
 * Checks rows `fromSeq..toSeq` of the chain (AuditChainVerifier from a start): every row's
 * hash, every link inside the range, the link into it (from the stored hash of row
 * `fromSeq - 1`) and the link out of it (row `toSeq + 1`'s prevHash), or audit_head when the
 * range reaches the end. One snapshot, as verifyAuditChain. A rewrite that recomputes every hash
 * after the range and the head verifies here as it does there: the signed anchors
 * (audit-anchor.ts, `audit verify`) catch that.
 */
export async function verifyAuditRange(
  ds: DataSource,
  range: { fromSeq: number; toSeq: number },
  options: Pick<VerifyAuditChainOptions, 'pageSize' | 'maxProblems'> = {},
): Promise<AuditRangeVerification> {
  const { fromSeq } = range;
  if (!Number.isSafeInteger(fromSeq) || !Number.isSafeInteger(range.toSeq) || fromSeq < 1)
    throw new RangeError('fromSeq and toSeq must be whole numbers, fromSeq at least 1');
  if (range.toSeq < fromSeq) throw new RangeError('toSeq must not be below fromSeq');
  return inSnapshot(ds, async (qr) => {
    const head = await readHead(qr);
    const problems: AuditProblem[] = [];
    let prevHash: string | undefined = GENESIS_HASH;
    if (fromSeq > 1) {
      prevHash = (await hashesAt(qr, [fromSeq - 1])).get(fromSeq - 1);
      if (prevHash === undefined)
        problems.push({
          seq: fromSeq - 1,
          problem: `row ${fromSeq - 1}, before the range, is missing (deleted): the link into row ${fromSeq} cannot be checked`,
        });
    }
    const verifier = new AuditChainVerifier(options.maxProblems ?? MAX_AUDIT_PROBLEMS, {
      seq: fromSeq,
      prevHash,
    });
    const headSeq = head?.seq ?? 0;
    if (fromSeq > headSeq) return beyondHead(qr, fromSeq, head);
    // A range past the head ends at the head (rows beyond it are reported by finish).
    const toSeq = range.toSeq >= headSeq ? Math.max(headSeq, fromSeq) : range.toSeq;
    const reachesHead = range.toSeq >= headSeq;
    await pushPages(
      qr,
      verifier,
      BigInt(fromSeq),
      reachesHead ? undefined : BigInt(toSeq),
      options.pageSize,
    );
    let result: AuditVerification;
    if (reachesHead) {
      result = verifier.finish(head);
    } else {
      const next = (await qr.query('SELECT prev_hash FROM audit_log WHERE seq = $1::bigint', [
        String(toSeq + 1),
      ])) as Array<{ prev_hash: string }>;
      result = { ...verifier.finishRange(toSeq, next[0]?.prev_hash), head };
    }
    const all = [...problems, ...result.problems].sort((a, b) => a.seq - b.seq);
    return {
      ...result,
      ok: all.length === 0,
      problems: all,
      fromSeq,
      toSeq,
      firstBadSeq: all[0]?.seq,
    };
  });
}

/** A range wholly after the head: nothing to check, unless rows were added outside the log. */
async function beyondHead(
  qr: QueryRunner,
  fromSeq: number,
  head: AuditHead | undefined,
): Promise<AuditRangeVerification> {
  const [stray] = (await qr.query(
    'SELECT seq FROM audit_log WHERE seq >= $1::bigint ORDER BY seq LIMIT 1',
    [String(fromSeq)],
  )) as Array<{ seq: string }>;
  const problems: AuditProblem[] = stray
    ? [
        {
          seq: Number(stray.seq),
          problem: `row ${stray.seq} is after audit_head (seq ${head?.seq ?? 0}): added outside the audit log`,
        },
      ]
    : [];
  return {
    ok: problems.length === 0,
    rows: 0,
    problems,
    truncated: false,
    head,
    fromSeq,
    toSeq: head?.seq ?? 0,
    firstBadSeq: problems[0]?.seq,
  };
}

/** Runs `fn` in one REPEATABLE READ, READ ONLY transaction (one snapshot of the log). */
async function inSnapshot<T>(ds: DataSource, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction('REPEATABLE READ');
    await qr.query('SET TRANSACTION READ ONLY');
    const result = await fn(qr);
    await qr.commitTransaction();
    return result;
  } finally {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    await qr.release();
  }
}

async function readHead(qr: QueryRunner): Promise<AuditHead | undefined> {
  const [head] = (await qr.query('SELECT seq, hash FROM audit_head WHERE id = 1')) as Array<{
    seq: string;
    hash: string;
  }>;
  return head ? { seq: Number(head.seq), hash: head.hash } : undefined;
}

/** Feeds rows `from..to` (to: unbounded when undefined) to the verifier, a page at a time. */
async function pushPages(
  qr: QueryRunner,
  verifier: AuditChainVerifier,
  from: bigint,
  to: bigint | undefined,
  pageSize = 5000,
  onPage?: (done: number) => void,
): Promise<void> {
  const upTo = to ?? 2n ** 63n - 1n;
  for (let next = from; ;) {
    // Keyset pagination on seq.
    const page = (await qr.query(
      `SELECT ${AUDIT_LOG_COLUMNS}
       FROM audit_log WHERE seq >= $1::bigint AND seq <= $2::bigint
       ORDER BY seq LIMIT $3`,
      [next.toString(), upTo.toString(), pageSize],
    )) as AuditLogRecord[];
    for (const r of page) verifier.push(toAuditRow(r));
    onPage?.(verifier.checked);
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return;
    next = BigInt(last.seq) + 1n;
  }
}

async function hashesAt(qr: QueryRunner | DataSource, seqs: number[]) {
  const rows = (await qr.query('SELECT seq, hash FROM audit_log WHERE seq = ANY($1::bigint[])', [
    seqs.map(String),
  ])) as Array<{ seq: string; hash: string }>;
  return new Map(rows.map((r) => [Number(r.seq), r.hash]));
}

/** The stored hash at each of `seqs` that exists (to compare with signed anchors). */
export async function storedHashesAt(
  ds: DataSource,
  seqs: Iterable<number>,
): Promise<Map<number, string>> {
  const list = [...new Set(seqs)];
  if (list.length === 0) return new Map();
  return hashesAt(ds, list);
}
