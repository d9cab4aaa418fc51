import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resolution that never wedges (issue #11):
 * - `resolution_set_aside`: a queued entity whose resolution failed for a reason of its own
 *   (isolated down to that one entity) is moved here, with the error's class (never its
 *   content), so the rest of the queue flows. Operators see it and put it back
 *   (`npm run cli -- hub requeue-set-aside`); a newer version of the entity queues it again.
 * - `hub_leadership`: one row whose `epoch` each hub bumps when it takes the leadership lock. A
 *   hub that lost its lock's connection and took it again knows from the epoch whether another
 *   hub led in between (then its in-memory index is stale and is loaded again), and every
 *   resolution transaction checks the epoch it was started under (a fence: a hub that is no
 *   longer the leader cannot commit).
 */
export class ResolutionResilience1764960000000 implements MigrationInterface {
  name = 'ResolutionResilience1764960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE resolution_set_aside (
        entity       text NOT NULL CHECK (entity IN ('nominal', 'incident')),
        force_code   text NOT NULL,
        id           text NOT NULL,
        error_class  text NOT NULL,
        attempts     integer NOT NULL DEFAULT 1,
        first_failed timestamptz NOT NULL DEFAULT now(),
        last_failed  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (entity, force_code, id)
      )`);
    // The queue is taken oldest first (and its head's age is watched): keep that order indexed.
    await q.query(
      `CREATE INDEX resolution_queue_order ON resolution_queue (queued_at, entity, force_code, id)`,
    );
    await q.query(`
      CREATE TABLE hub_leadership (
        id      integer PRIMARY KEY CHECK (id = 1),
        epoch   bigint NOT NULL,
        holder  text NOT NULL,
        since   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hub_leadership, resolution_set_aside`);
    await q.query(`DROP INDEX resolution_queue_order`);
  }
}
