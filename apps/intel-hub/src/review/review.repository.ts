import type { Sql } from '@intel/db';
import type { PairConstraint } from '@intel/matching';
import { splitMemberKey, type MemberKey } from '../resolution/member-key';

export type Verdict = 'SAME' | 'NOT_SAME' | 'UNSURE';
export type JudgementStatus = 'ACTIVE' | 'PENDING_APPROVAL' | 'RETRACTED' | 'REJECTED';

/** A POSSIBLE pair as the engine reported it when one of its records was scored. */
export interface CandidateReport {
  a: MemberKey;
  b: MemberKey;
  /** Whether each record is handling code C (seen by its own force only). */
  restrictedA: boolean;
  restrictedB: boolean;
  score: number;
  band: string;
}

/** A review candidate as stored (`a` < `b`). */
export interface Candidate extends CandidateReport {
  pairId: string;
  status: 'OPEN' | 'JUDGED';
  firstSeen: Date;
  lastSeen: Date;
}

export interface Judge {
  sub: string;
  name: string;
  force: string;
  role: string;
}

export interface Judgement {
  judgementId: string;
  pairId: string | undefined;
  a: MemberKey;
  b: MemberKey;
  verdict: Verdict;
  rationale: string;
  judgedBy: Judge;
  judgedAt: Date;
  pairScore: number | undefined;
  pairBand: string | undefined;
  status: JudgementStatus;
  approvalReasons: string[];
  approvedBy: { sub: string; name: string } | undefined;
  approvedAt: Date | undefined;
  closedBy: { sub: string; name: string } | undefined;
  closedAt: Date | undefined;
  closedRationale: string | undefined;
}

/** A pair in canonical order (`a` < `b`), as both tables store it. */
export function canonicalPair(a: MemberKey, b: MemberKey): [MemberKey, MemberKey] {
  return a < b ? [a, b] : [b, a];
}

/** The constraint an active judgement stands for (UNSURE: none). */
export function constraintOf(verdict: Verdict): PairConstraint | undefined {
  return verdict === 'SAME' ? 'must' : verdict === 'NOT_SAME' ? 'cannot' : undefined;
}

interface CandidateRow {
  pair_id: string;
  member_a: string;
  member_b: string;
  restricted_a: boolean;
  restricted_b: boolean;
  score: number;
  band: string;
  status: 'OPEN' | 'JUDGED';
  first_seen: Date;
  last_seen: Date;
}

interface JudgementRow {
  judgement_id: string;
  pair_id: string | null;
  member_a: string;
  member_b: string;
  verdict: Verdict;
  rationale: string;
  judged_by_sub: string;
  judged_by_name: string;
  judged_by_force: string;
  judged_by_role: string;
  judged_at: Date;
  pair_score: number | null;
  pair_band: string | null;
  status: JudgementStatus;
  approval_reasons: string[];
  approved_by_sub: string | null;
  approved_by_name: string | null;
  approved_at: Date | null;
  closed_by_sub: string | null;
  closed_by_name: string | null;
  closed_at: Date | null;
  closed_rationale: string | null;
}

const CANDIDATE_COLUMNS = `pair_id::text, member_a, member_b, restricted_a, restricted_b, score, band,
  status, first_seen, last_seen`;
const JUDGEMENT_COLUMNS = `judgement_id, pair_id::text, member_a, member_b, verdict, rationale,
  judged_by_sub, judged_by_name, judged_by_force, judged_by_role, judged_at, pair_score,
  pair_band, status, approval_reasons, approved_by_sub, approved_by_name, approved_at,
  closed_by_sub, closed_by_name, closed_at, closed_rationale`;

function candidateOf(r: CandidateRow): Candidate {
  return {
    pairId: r.pair_id,
    a: r.member_a,
    b: r.member_b,
    restrictedA: r.restricted_a,
    restrictedB: r.restricted_b,
    score: r.score,
    band: r.band,
    status: r.status,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  };
}

function judgementOf(r: JudgementRow): Judgement {
  return {
    judgementId: r.judgement_id,
    pairId: r.pair_id ?? undefined,
    a: r.member_a,
    b: r.member_b,
    verdict: r.verdict,
    rationale: r.rationale,
    judgedBy: {
      sub: r.judged_by_sub,
      name: r.judged_by_name,
      force: r.judged_by_force,
      role: r.judged_by_role,
    },
    judgedAt: r.judged_at,
    pairScore: r.pair_score ?? undefined,
    pairBand: r.pair_band ?? undefined,
    status: r.status,
    approvalReasons: r.approval_reasons,
    approvedBy: r.approved_by_sub
      ? { sub: r.approved_by_sub, name: r.approved_by_name ?? '' }
      : undefined,
    approvedAt: r.approved_at ?? undefined,
    closedBy: r.closed_by_sub ? { sub: r.closed_by_sub, name: r.closed_by_name ?? '' } : undefined,
    closedAt: r.closed_at ?? undefined,
    closedRationale: r.closed_rationale ?? undefined,
  };
}

/**
 * The review tables (migration MatchReview1765120000000): the POSSIBLE pairs resolution keeps
 * for analysts, and the analysts' judgements, whose active SAME / NOT_SAME ones are the
 * constraints resolution honours.
 */
export class ReviewRepository {
  /**
   * Records the POSSIBLE pairs reported when nominals were scored, and drops the open pairs of
   * those nominals (and of `removed` ones) that were not reported again: the engine no longer
   * leaves them POSSIBLE (a record changed, or was withdrawn). Judged pairs are kept whatever
   * the engine says: they never return to the queue. `rescored: 'all'`: every nominal was
   * scored (a rebuild), so every open pair not reported is dropped.
   */
  async recordCandidates(
    tx: Sql,
    reports: readonly CandidateReport[],
    rescored: readonly MemberKey[] | 'all',
    removed: readonly MemberKey[],
    at: Date,
  ): Promise<void> {
    const byPair = new Map<string, CandidateReport>();
    for (const r of reports) {
      const flip = r.b < r.a;
      const c = flip
        ? { ...r, a: r.b, b: r.a, restrictedA: r.restrictedB, restrictedB: r.restrictedA }
        : r;
      if (c.a === c.b) continue;
      byPair.set(`${c.a}\u0000${c.b}`, c);
    }
    const rows = [...byPair.values()];
    for (let i = 0; i < rows.length; i += 5_000) {
      const page = rows.slice(i, i + 5_000);
      await tx.query(
        `INSERT INTO review_candidate (member_a, member_b, force_a, force_b, restricted_a,
           restricted_b, score, band, first_seen, last_seen)
         SELECT a, b, split_part(a, ':', 1), split_part(b, ':', 1), ra, rb, s, d, $7, $7
         FROM unnest($1::text[], $2::text[], $3::bool[], $4::bool[], $5::float8[], $6::text[])
           AS t(a, b, ra, rb, s, d)
         ON CONFLICT (member_a, member_b) DO UPDATE
           SET restricted_a = EXCLUDED.restricted_a, restricted_b = EXCLUDED.restricted_b,
               score = EXCLUDED.score, band = EXCLUDED.band, last_seen = EXCLUDED.last_seen`,
        [
          page.map((r) => r.a),
          page.map((r) => r.b),
          page.map((r) => r.restrictedA),
          page.map((r) => r.restrictedB),
          page.map((r) => r.score),
          page.map((r) => r.band),
          at,
        ],
      );
    }
    if (rescored === 'all') {
      await tx.query(`DELETE FROM review_candidate WHERE status = 'OPEN' AND last_seen < $1`, [at]);
      return;
    }
    const keys = [...new Set([...rescored, ...removed])];
    if (keys.length === 0) return;
    await tx.query(
      `DELETE FROM review_candidate
       WHERE status = 'OPEN' AND last_seen < $2
         AND (member_a = ANY($1::text[]) OR member_b = ANY($1::text[]))`,
      [keys, at],
    );
  }

  /**
   * Open pairs for a force's queue, strongest first after `after` (score, pair id): only pairs
   * whose records the force may see (neither is another force's handling-code-C record), and
   * none the user has called UNSURE.
   */
  async openCandidates(
    tx: Sql,
    viewer: { force: string; sub: string },
    after: { score: number; pairId: string } | undefined,
    limit: number,
  ): Promise<Candidate[]> {
    const rows = await tx.query<CandidateRow[]>(
      `SELECT ${CANDIDATE_COLUMNS} FROM review_candidate c
       WHERE c.status = 'OPEN'
         AND (NOT c.restricted_a OR c.force_a = $1)
         AND (NOT c.restricted_b OR c.force_b = $1)
         AND ($3::float8 IS NULL OR (c.score, c.pair_id) < ($3::float8, $4::bigint))
         AND NOT EXISTS (
           SELECT 1 FROM review_judgement j
           WHERE j.member_a = c.member_a AND j.member_b = c.member_b
             AND j.verdict = 'UNSURE' AND j.status = 'ACTIVE' AND j.judged_by_sub = $2)
       ORDER BY c.score DESC, c.pair_id DESC
       LIMIT $5`,
      [viewer.force, viewer.sub, after?.score ?? null, after?.pairId ?? null, limit],
    );
    return rows.map(candidateOf);
  }

  async candidate(tx: Sql, pairId: string, lock = false): Promise<Candidate | undefined> {
    if (!/^[1-9][0-9]{0,17}$/.test(pairId)) return undefined;
    const rows = await tx.query<CandidateRow[]>(
      `SELECT ${CANDIDATE_COLUMNS} FROM review_candidate WHERE pair_id = $1::bigint
       ${lock ? 'FOR UPDATE' : ''}`,
      [pairId],
    );
    return rows[0] && candidateOf(rows[0]);
  }

  async candidateOfPair(tx: Sql, a: MemberKey, b: MemberKey): Promise<Candidate | undefined> {
    const [x, y] = canonicalPair(a, b);
    const rows = await tx.query<CandidateRow[]>(
      `SELECT ${CANDIDATE_COLUMNS} FROM review_candidate WHERE member_a = $1 AND member_b = $2`,
      [x, y],
    );
    return rows[0] && candidateOf(rows[0]);
  }

  async setCandidateStatus(tx: Sql, pairId: string, status: 'OPEN' | 'JUDGED'): Promise<void> {
    await tx.query(`UPDATE review_candidate SET status = $2 WHERE pair_id = $1::bigint`, [
      pairId,
      status,
    ]);
  }

  /** A pair whose judgement was undone: back in the queue with its score now, or dropped. */
  async reopenCandidate(
    tx: Sql,
    a: MemberKey,
    b: MemberKey,
    now: { score: number; band: string } | undefined,
    at: Date,
  ): Promise<void> {
    const [x, y] = canonicalPair(a, b);
    if (!now) {
      await tx.query(`DELETE FROM review_candidate WHERE member_a = $1 AND member_b = $2`, [x, y]);
      return;
    }
    await tx.query(
      `UPDATE review_candidate SET status = 'OPEN', score = $3, band = $4, last_seen = $5
       WHERE member_a = $1 AND member_b = $2`,
      [x, y, now.score, now.band, at],
    );
  }

  /** Active UNSURE marks on pairs (member keys joined by NUL), by how many analysts. */
  async unsureCounts(tx: Sql, pairs: readonly Candidate[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (pairs.length === 0) return out;
    const rows = await tx.query<Array<{ member_a: string; member_b: string; n: string }>>(
      `SELECT j.member_a, j.member_b, count(*)::text AS n FROM review_judgement j
       JOIN unnest($1::text[], $2::text[]) AS t(a, b) ON j.member_a = t.a AND j.member_b = t.b
       WHERE j.verdict = 'UNSURE' AND j.status = 'ACTIVE'
       GROUP BY j.member_a, j.member_b`,
      [pairs.map((p) => p.a), pairs.map((p) => p.b)],
    );
    for (const r of rows) out.set(`${r.member_a}\u0000${r.member_b}`, Number(r.n));
    return out;
  }

  async insertJudgement(
    tx: Sql,
    j: Omit<
      Judgement,
      'approvedBy' | 'approvedAt' | 'closedBy' | 'closedAt' | 'closedRationale' | 'a' | 'b'
    > & { a: MemberKey; b: MemberKey },
  ): Promise<void> {
    const [a, b] = canonicalPair(j.a, j.b);
    await tx.query(
      `INSERT INTO review_judgement (judgement_id, pair_id, member_a, member_b, verdict, rationale,
         judged_by_sub, judged_by_name, judged_by_force, judged_by_role, judged_at, pair_score,
         pair_band, status, approval_reasons)
       VALUES ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::text[])`,
      [
        j.judgementId,
        j.pairId ?? null,
        a,
        b,
        j.verdict,
        j.rationale,
        j.judgedBy.sub,
        j.judgedBy.name,
        j.judgedBy.force,
        j.judgedBy.role,
        j.judgedAt,
        j.pairScore ?? null,
        j.pairBand ?? null,
        j.status,
        j.approvalReasons,
      ],
    );
  }

  async judgement(tx: Sql, judgementId: string, lock = false): Promise<Judgement | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(judgementId))
      return undefined;
    const rows = await tx.query<JudgementRow[]>(
      `SELECT ${JUDGEMENT_COLUMNS} FROM review_judgement WHERE judgement_id = $1::uuid
       ${lock ? 'FOR UPDATE' : ''}`,
      [judgementId],
    );
    return rows[0] && judgementOf(rows[0]);
  }

  /** The judgements of a pair still in force or waiting (not retracted or rejected). */
  async openJudgementsOf(tx: Sql, a: MemberKey, b: MemberKey): Promise<Judgement[]> {
    const [x, y] = canonicalPair(a, b);
    const rows = await tx.query<JudgementRow[]>(
      `SELECT ${JUDGEMENT_COLUMNS} FROM review_judgement
       WHERE member_a = $1 AND member_b = $2 AND status IN ('ACTIVE', 'PENDING_APPROVAL')
       ORDER BY judged_at`,
      [x, y],
    );
    return rows.map(judgementOf);
  }

  /** A force's judgements, newest first, optionally of one status, after a cursor. */
  async judgementsOf(
    tx: Sql,
    force: string,
    status: JudgementStatus | undefined,
    after: { judgedAt: Date; judgementId: string } | undefined,
    limit: number,
  ): Promise<Judgement[]> {
    const rows = await tx.query<JudgementRow[]>(
      `SELECT ${JUDGEMENT_COLUMNS} FROM review_judgement
       WHERE judged_by_force = $1 AND ($2::text IS NULL OR status = $2)
         AND ($3::timestamptz IS NULL OR (judged_at, judgement_id) < ($3::timestamptz, $4::uuid))
       ORDER BY judged_at DESC, judgement_id DESC LIMIT $5`,
      [force, status ?? null, after?.judgedAt ?? null, after?.judgementId ?? null, limit],
    );
    return rows.map(judgementOf);
  }

  async approve(
    tx: Sql,
    judgementId: string,
    by: { sub: string; name: string },
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE review_judgement SET status = 'ACTIVE', approved_by_sub = $2, approved_by_name = $3,
         approved_at = $4
       WHERE judgement_id = $1::uuid AND status = 'PENDING_APPROVAL'`,
      [judgementId, by.sub, by.name, at],
    );
  }

  /** Retracts or rejects a judgement: it stays, closed, with who closed it and why. */
  async close(
    tx: Sql,
    judgementId: string,
    status: 'RETRACTED' | 'REJECTED',
    by: { sub: string; name: string },
    rationale: string,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE review_judgement SET status = $2, closed_by_sub = $3, closed_by_name = $4,
         closed_at = $5, closed_rationale = $6
       WHERE judgement_id = $1::uuid AND status IN ('ACTIVE', 'PENDING_APPROVAL')`,
      [judgementId, status, by.sub, by.name, at, rationale],
    );
  }

  /** Every constraint in force: the active SAME (must-link) and NOT_SAME (cannot-link) pairs. */
  async activeConstraints(
    tx: Sql,
  ): Promise<{ a: MemberKey; b: MemberKey; constraint: PairConstraint }[]> {
    const rows = await tx.query<Array<{ member_a: string; member_b: string; verdict: Verdict }>>(
      `SELECT member_a, member_b, verdict FROM review_judgement
       WHERE status = 'ACTIVE' AND verdict IN ('SAME', 'NOT_SAME')`,
    );
    return rows.map((r) => ({
      a: r.member_a,
      b: r.member_b,
      constraint: r.verdict === 'SAME' ? 'must' : 'cannot',
    }));
  }
}

/** The force of a member key. */
export function forceOf(key: MemberKey): string {
  return splitMemberKey(key).forceCode;
}
