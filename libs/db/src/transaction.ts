import type { DataSource } from 'typeorm';

/** Anything that runs SQL: the DataSource (auto-commit) or a transaction's QueryRunner. */
export interface Sql {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
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
  await qr.connect();
  try {
    await qr.startTransaction(isolation);
    try {
      const result = await fn({
        query: <R>(sql: string, params?: unknown[]) => qr.query(sql, params) as Promise<R>,
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
