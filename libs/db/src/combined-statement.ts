import type { Sql } from './transaction';

/** One parameterised SQL statement, built but not yet run. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Runs data-modifying statements (INSERT, UPDATE, DELETE) as one, in a single round trip:
 * `WITH s0 AS (…), s1 AS (…) SELECT 1`, each statement's `$n` renumbered after the ones before.
 * PostgreSQL runs every data-modifying WITH clause exactly once and to completion, so this is
 * the statements run in order with one difference that callers must allow for: they all see the
 * same snapshot, so none sees another's changes, and no two may change the same row.
 * Constraint checks (foreign keys) run at the end, so a row may refer to one a sibling inserts.
 * For hot paths where each round trip costs a wake-up of both processes (issue: pipeline bench).
 */
export async function runCombined(
  db: Sql,
  statements: Array<Statement | undefined>,
): Promise<void> {
  const present = statements.filter((s): s is Statement => s !== undefined);
  if (present.length === 1) {
    const [only] = present as [Statement];
    await db.query(only.sql, only.params);
    return;
  }
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const s of present) {
    const offset = params.length;
    const sql = s.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    parts.push(`s${parts.length} AS (${sql})`);
    params.push(...s.params);
  }
  if (parts.length === 0) return;
  await db.query(`WITH ${parts.join(',\n')} SELECT 1`, params);
}
