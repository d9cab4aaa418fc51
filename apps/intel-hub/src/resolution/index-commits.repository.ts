import type { Sql } from '@intel/db';
import type { MemberKey } from './member-key';

/** What one transaction changed of what the national index is built from. */
export interface IndexChange {
  /** A rebuild: everything may have changed (no snapshot from before it can be brought up). */
  full?: boolean;
  /** Analysts' decisions (constraints) put in force or withdrawn. */
  constraints?: boolean;
  /** Nominals whose state as indexed, links or person changed. */
  members?: Iterable<MemberKey>;
  /** Persons whose flags changed, or that ended (merged, retired). */
  persons?: Iterable<string>;
}

/** A commit as listed (`since`). */
export interface IndexCommit {
  seq: number;
  full: boolean;
  constraints: boolean;
  members: MemberKey[];
  persons: string[];
}

/**
 * `index_commit`: the national index's watermark and what each commit changed (migration
 * 1765500000000). Written only by the leading hub's resolution lane, one transaction at a
 * time: a second writer at the same time fails on the primary key rather than number out of
 * commit order.
 */
export class IndexCommitsRepository {
  /** Records `change` in `tx`; returns its sequence number (the watermark once `tx` commits). */
  async record(tx: Sql, change: IndexChange): Promise<number> {
    const rows = await tx.query<{ seq: string }[]>(
      `INSERT INTO index_commit (seq, full_rebuild, constraints, members, persons)
       SELECT coalesce(max(seq), 0) + 1, $1, $2, $3::text[], $4::uuid[] FROM index_commit
       RETURNING seq::text`,
      [
        change.full ?? false,
        change.constraints ?? false,
        [...new Set(change.members ?? [])],
        [...new Set(change.persons ?? [])],
      ],
    );
    return Number(rows[0]?.seq);
  }

  /** The database's watermark: the last commit's sequence number (0: none yet). */
  async watermark(tx: Sql): Promise<number> {
    const rows = await tx.query<{ seq: string }[]>(
      `SELECT coalesce(max(seq), 0)::text AS seq FROM index_commit`,
    );
    return Number(rows[0]?.seq ?? 0);
  }

  /** When commit `seq` was committed (its identity: see NationalHeader), if it is still listed. */
  async committedAt(tx: Sql, seq: number): Promise<string | undefined> {
    const rows = await tx.query<{ at: string }[]>(
      `SELECT committed_at::text AS at FROM index_commit WHERE seq = $1`,
      [seq],
    );
    return rows[0]?.at;
  }

  /** Forgets the commits before `seq` (a snapshot covers them); the watermark stays. */
  async prune(tx: Sql, seq: number): Promise<void> {
    await tx.query(`DELETE FROM index_commit WHERE seq < $1`, [seq]);
  }

  /** The commits after `seq`, in order (the first `limit` of them, given one). */
  async since(tx: Sql, seq: number, limit?: number): Promise<IndexCommit[]> {
    const rows = await tx.query<
      {
        seq: string;
        full_rebuild: boolean;
        constraints: boolean;
        members: string[];
        persons: string[];
      }[]
    >(
      `SELECT seq::text, full_rebuild, constraints, members, persons::text[] AS persons
       FROM index_commit WHERE index_commit.seq > $1 ORDER BY index_commit.seq LIMIT $2`,
      [seq, limit ?? null],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      full: r.full_rebuild,
      constraints: r.constraints,
      members: r.members,
      persons: r.persons,
    }));
  }
}
