import { GENESIS_HASH, canonicalJson, chainHashOfCanonical, type AuditRow } from './audit-entry';
import { auditPersonIds } from './audit-person-ids';

export interface AuditProblem {
  /** The row the problem is found at (for a missing row, the first seq missing). */
  seq: number;
  problem: string;
}

/** audit_head: the seq and hash of the last row appended. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  problems: AuditProblem[];
  /** More problems were found than `problems` lists. */
  truncated: boolean;
  head: AuditHead | undefined;
}

export const MAX_AUDIT_PROBLEMS = 100;

/**
 * A row as stored: the hashed fields, and `personIds`, the persons column (`person_ids`) the
 * auditors' screen searches, which the hash does not cover. Undefined: not read, not checked.
 */
export interface StoredAuditRow extends AuditRow {
  personIds?: readonly string[] | null;
}

/** Where a check of part of the chain starts: its first seq and the hash it must link to. */
export interface AuditChainStart {
  seq: number;
  /**
   * The stored hash of row `seq - 1` (GENESIS_HASH when `seq` is 1); undefined when that row
   * is not there, so the first row's link cannot be checked (the caller reports why).
   */
  prevHash: string | undefined;
}

/**
 * Checks the chain one row at a time, in seq order, so the log can be streamed in pages. Pure:
 * no I/O. After a problem it carries on from the row as stored, so one altered row is reported
 * once instead of breaking every link after it.
 *
 * What it catches (with `seq`): a row whose contents no longer match its hash (altered, or
 * moved to another seq: seq is hashed); missing seqs (deleted rows); a row whose prevHash is not
 * the hash of the row before it (a row replaced with a recomputed hash, or inserted); and, at
 * the end, audit_head not naming the last row (deleted or added rows at the tail); and a row
 * whose persons column (not hashed) is not exactly the persons its hashed request and response
 * name (auditPersonIds): a column changed to hide an entry from "who consulted this person", or
 * to show it under another.
 *
 * What it cannot catch on its own: a rewrite that recomputes every hash after the change and
 * the head as well. The hub signs the head at intervals outside the database (audit-anchor.ts);
 * compareWithAnchors turns such a rewrite into a contradiction with a signed anchor.
 */
export class AuditChainVerifier {
  private expectedSeq: number;
  private prevHash: string | undefined;
  private lastSeq: number;
  private rows = 0;
  private readonly problems: AuditProblem[] = [];
  private truncated = false;

  /** `start`: check from that row on (a range), linking to the stored hash before it. */
  constructor(
    private readonly maxProblems = MAX_AUDIT_PROBLEMS,
    start: AuditChainStart = { seq: 1, prevHash: GENESIS_HASH },
  ) {
    this.expectedSeq = start.seq;
    this.prevHash = start.prevHash;
    this.lastSeq = start.seq - 1;
  }

  /** Rows checked so far. */
  get checked(): number {
    return this.rows;
  }

  push(row: StoredAuditRow): void {
    this.rows++;
    const gap = row.seq !== this.expectedSeq;
    if (row.seq > this.expectedSeq) {
      const last = row.seq - 1;
      this.report(
        this.expectedSeq,
        this.expectedSeq === last
          ? `row ${last} is missing (deleted)`
          : `rows ${this.expectedSeq}..${last} are missing (deleted)`,
      );
    } else if (gap) {
      // Read in seq order, only a seq below 1 can get here: a row inserted outside the chain,
      // which the chain carries on past.
      this.report(
        row.seq,
        `row ${row.seq} is out of order or outside the chain (expected seq ${this.expectedSeq})`,
      );
      return;
    }
    const requestJson = canonicalJson(row.request);
    const responseJson = canonicalJson(row.response);
    if (chainHashOfCanonical(row.prevHash, row, requestJson, responseJson) !== row.hash) {
      this.report(row.seq, `row ${row.seq} was altered: its contents do not match its hash`);
    }
    if (
      row.personIds !== undefined &&
      !samePersons(row.personIds, auditPersonIds(requestJson, responseJson))
    ) {
      this.report(
        row.seq,
        `row ${row.seq} was altered: its persons column (person_ids) differs from the persons its request and response name`,
      );
    }
    // After a gap the link is broken by the missing rows, already reported.
    if (!gap && this.prevHash !== undefined && row.prevHash !== this.prevHash) {
      this.report(
        row.seq,
        row.seq === 1
          ? 'row 1 does not start from the genesis hash'
          : `row ${row.seq} does not link to row ${row.seq - 1} (prevHash differs from its hash)`,
      );
    }
    this.prevHash = row.hash;
    this.lastSeq = row.seq;
    this.expectedSeq = row.seq + 1;
  }

  /** Compares audit_head with the last row seen, and returns the verdict. */
  finish(head: AuditHead | undefined): AuditVerification {
    if (head === undefined) {
      if (this.rows > 0) this.report(this.lastSeq, 'audit_head is missing but the log has rows');
    } else if (head.seq > this.lastSeq) {
      const first = this.lastSeq + 1;
      this.report(
        first,
        first === head.seq
          ? `row ${first} is missing from the end (audit_head records seq ${head.seq})`
          : `rows ${first}..${head.seq} are missing from the end (audit_head records seq ${head.seq})`,
      );
    } else if (head.seq < this.lastSeq) {
      this.report(
        head.seq + 1,
        `rows ${head.seq + 1}..${this.lastSeq} are not in audit_head (added outside the audit log)`,
      );
    } else if (head.hash !== this.prevHash) {
      this.report(head.seq, `audit_head hash differs from the hash of row ${head.seq}`);
    }
    return {
      ok: this.problems.length === 0,
      rows: this.rows,
      problems: [...this.problems],
      truncated: this.truncated,
      head,
    };
  }

  /**
   * The verdict for a range ending at `toSeq` below the head: rows missing at its end are
   * reported, and, when row `toSeq + 1` exists, its prevHash must be the hash of row `toSeq`
   * (else row `toSeq + 1` is reported, as the whole-chain check reports it).
   */
  finishRange(toSeq: number, nextPrevHash: string | undefined): AuditVerification {
    if (this.lastSeq < toSeq) {
      const first = this.lastSeq + 1;
      this.report(
        first,
        first === toSeq
          ? `row ${first} is missing (deleted)`
          : `rows ${first}..${toSeq} are missing (deleted)`,
      );
    } else if (nextPrevHash !== undefined && nextPrevHash !== this.prevHash) {
      this.report(
        toSeq + 1,
        `row ${toSeq + 1} does not link to row ${toSeq} (prevHash differs from its hash)`,
      );
    }
    return {
      ok: this.problems.length === 0,
      rows: this.rows,
      problems: [...this.problems],
      truncated: this.truncated,
      head: undefined,
    };
  }

  private report(seq: number, problem: string): void {
    if (this.problems.length < this.maxProblems) this.problems.push({ seq, problem });
    else this.truncated = true;
  }
}

/** The stored column holds exactly `expected` (distinct, in code-unit order), in any order. */
function samePersons(stored: readonly string[] | null, expected: string[]): boolean {
  if (stored === null || stored.length !== expected.length) return false;
  const sorted = [...stored].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.every((id, i) => id === expected[i]);
}

/** Verifies a whole chain held in memory (rows in seq order) against its head. */
export function verifyRows(
  rows: Iterable<StoredAuditRow>,
  head: AuditHead | undefined,
  maxProblems = MAX_AUDIT_PROBLEMS,
): AuditVerification {
  const verifier = new AuditChainVerifier(maxProblems);
  for (const row of rows) verifier.push(row);
  return verifier.finish(head);
}
