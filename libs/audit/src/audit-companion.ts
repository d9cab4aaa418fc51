/**
 * Rows of another table that stand or fall with an audit entry (e.g. the alerts a consultation
 * raises), written by the audit log in the commit that appends the entry: in the group's one
 * statement at a known head, or in the group's transaction on the locked path. They are durable
 * exactly when the entry is, and no second commit (a second fsync) waits on the disk.
 *
 * The rows of every entry of a group that carries this companion go in one statement part:
 * `sql(first, guard)` gives WITH-clause entries (comma-separated, each `name AS (...)`) over the
 * parameters `params` gives, numbered from `$first`, that write nothing unless `guard` (an SQL
 * boolean the log supplies: "the head was still where this process left it") holds, and
 * `output`, a relation (a CTE name, or a parenthesised SELECT) with one row per row written:
 * `ord` (its 1-based place in `rows`) and `value` (text, e.g. a generated id). `written` turns
 * each row and its value into what the appender gets back.
 */
export interface AuditCompanion<Row, Written> {
  /** Unique among companions (it names the prepared statement): a lowercase SQL identifier. */
  readonly name: string;
  sql(first: number, guard: string): { ctes: string; output: string };
  params(rows: readonly Row[]): unknown[];
  written(row: Row, value: string): Written;
}

/** An entry's companion rows, as given to `AuditLog.append`. */
export interface CompanionRows<Row, Written> {
  companion: AuditCompanion<Row, Written>;
  rows: readonly Row[];
}
