import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The national index's watermark (docs/hub.md, "Snapshot and restart"): every transaction that
 * changes what the in-memory index is built from (a resolution batch, an analyst's decision, a
 * load's reconciliation, flags derived) adds one row, numbered one past the last, saying what it
 * changed: the member keys whose state, links or person changed, the persons whose flags
 * changed, whether analysts' decisions changed, or `full` (a rebuild: everything). The highest
 * `seq` is the database's watermark; a snapshot of the index records the one it covers, and a
 * restart loads it only when nothing was committed since (or replays what was, from `members`,
 * `persons` and `constraints`). Rows a snapshot covers are pruned when it is written.
 */
export class IndexCommit1765500000000 implements MigrationInterface {
  name = 'IndexCommit1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS index_commit (
        seq          bigint PRIMARY KEY,
        committed_at timestamptz NOT NULL DEFAULT now(),
        full_rebuild boolean NOT NULL DEFAULT false,
        constraints  boolean NOT NULL DEFAULT false,
        members      text[] NOT NULL DEFAULT '{}',
        persons      uuid[] NOT NULL DEFAULT '{}'
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS index_commit`);
  }
}
