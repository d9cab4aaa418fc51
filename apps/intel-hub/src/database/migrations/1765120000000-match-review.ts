import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Match review (issue #12, docs/analyst.md "Match review"):
 * - `review_candidate`: a pair of force nominals (member keys `<force>:<nominalId>`, `a` < `b`)
 *   the engine scored POSSIBLE and did not link, kept for an analyst. Its forces and whether
 *   each record was handling code C when last scored let the queue show a pair only to forces
 *   that may see both records. `OPEN` pairs are in the queue (dropped when the engine no longer
 *   reports them: a record changed or was withdrawn); `JUDGED` pairs have a decisive judgement
 *   and never return to it, whatever the engine scores later.
 * - `review_judgement`: an analyst's verdict on a pair, with the rationale and who gave it.
 *   SAME and NOT_SAME judgements that are `ACTIVE` are the must-link and cannot-link
 *   constraints national resolution honours (loaded at every start, whatever the parameters);
 *   `PENDING_APPROVAL` ones wait for a supervisor of the judging force; `RETRACTED` and
 *   `REJECTED` ones are kept as history. At most one SAME/NOT_SAME judgement of a pair is
 *   active or pending at a time, and one UNSURE per analyst. Judgements are never deleted (the
 *   hub's role may not: database/grants.ts).
 */
export class MatchReview1765120000000 implements MigrationInterface {
  name = 'MatchReview1765120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE review_candidate (
        pair_id      bigserial PRIMARY KEY,
        member_a     text NOT NULL,
        member_b     text NOT NULL,
        force_a      text NOT NULL,
        force_b      text NOT NULL,
        restricted_a boolean NOT NULL,
        restricted_b boolean NOT NULL,
        score        float8 NOT NULL,
        band         text NOT NULL,
        status       text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'JUDGED')),
        first_seen   timestamptz NOT NULL,
        last_seen    timestamptz NOT NULL,
        CHECK (member_a < member_b),
        UNIQUE (member_a, member_b)
      )`);
    await q.query(`CREATE INDEX review_candidate_member_b ON review_candidate (member_b)`);
    await q.query(
      `CREATE INDEX review_candidate_queue ON review_candidate (score DESC, pair_id DESC)
       WHERE status = 'OPEN'`,
    );
    await q.query(`
      CREATE TABLE review_judgement (
        judgement_id      uuid PRIMARY KEY,
        pair_id           bigint REFERENCES review_candidate (pair_id) ON DELETE SET NULL,
        member_a          text NOT NULL,
        member_b          text NOT NULL,
        verdict           text NOT NULL CHECK (verdict IN ('SAME', 'NOT_SAME', 'UNSURE')),
        rationale         text NOT NULL,
        judged_by_sub     text NOT NULL,
        judged_by_name    text NOT NULL,
        judged_by_force   text NOT NULL,
        judged_by_role    text NOT NULL,
        judged_at         timestamptz NOT NULL,
        pair_score        float8,
        pair_band         text,
        status            text NOT NULL
                          CHECK (status IN ('ACTIVE', 'PENDING_APPROVAL', 'RETRACTED', 'REJECTED')),
        approval_reasons  text[] NOT NULL DEFAULT '{}',
        approved_by_sub   text,
        approved_by_name  text,
        approved_at       timestamptz,
        closed_by_sub     text,
        closed_by_name    text,
        closed_at         timestamptz,
        closed_rationale  text,
        CHECK (member_a < member_b)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX review_judgement_decisive ON review_judgement (member_a, member_b)
       WHERE verdict <> 'UNSURE' AND status IN ('ACTIVE', 'PENDING_APPROVAL')`,
    );
    await q.query(
      `CREATE UNIQUE INDEX review_judgement_unsure
       ON review_judgement (member_a, member_b, judged_by_sub)
       WHERE verdict = 'UNSURE' AND status = 'ACTIVE'`,
    );
    await q.query(
      `CREATE INDEX review_judgement_by_force ON review_judgement (judged_by_force, judged_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE review_judgement, review_candidate`);
  }
}
