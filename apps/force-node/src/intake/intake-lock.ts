import type { Sql } from '@intel/db';

/**
 * Intake decisions ("is this the same person as an existing nominal?") read then write, so two
 * concurrent submissions sharing a PNC ID could otherwise both create a nominal. All intake
 * transactions of a force take this transaction-scoped advisory lock; batches keep it cheap.
 */
export async function takeIntakeLock(tx: Sql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(7342100)');
}
