import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { copyRows, type CopyValue } from './copy-rows';

/** Anything that runs SQL: the DataSource (auto-commit) or a transaction's QueryRunner. */
export interface Sql {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
  /**
   * `COPY <target> FROM STDIN` of `rows` (`copyRows`), where this runs on a connection of its
   * own (a transaction's): bulk writes use it when it is there.
   */
  copy?(target: string, rows: Iterable<readonly CopyValue[]>): Promise<void>;
}

/** Whether `tx` can `COPY` (`Sql.copy`): a transaction's connection can. */
export function canCopy(tx: Sql): tx is Sql & Required<Pick<Sql, 'copy'>> {
  return tx.copy !== undefined;
}

/**
 * Runs `fn` in one READ COMMITTED transaction on a dedicated connection; commits when it
 * resolves, rolls back when it throws. Used for "state + outbox row in one transaction".
 */
export async function inTransaction<T>(
  ds: DataSource,
  fn: (tx: Sql) => Promise<T>,
  /** REPEATABLE READ: every statement reads the same snapshot of the database (readers). */
  isolation?: 'REPEATABLE READ',
): Promise<T> {
  const qr = ds.createQueryRunner();
  // typeorm's PostgresQueryRunner resolves connect() with its pg client.
  const client = (await qr.connect()) as PoolClient;
  try {
    await qr.startTransaction(isolation);
    try {
      const result = await fn({
        query: <R>(sql: string, params?: unknown[]) => qr.query(sql, params) as Promise<R>,
        copy: (target, rows) => copyRows(client, target, rows),
      });
      await qr.commitTransaction();
      return result;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  } finally {
    await qr.release();
  }
}
