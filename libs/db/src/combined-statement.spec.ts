import { runCombined, type Statement } from './combined-statement';
import type { Sql } from './transaction';

/** Records what would be sent to PostgreSQL. */
function recorder(): Sql & { sent: Array<{ sql: string; params: unknown[] | undefined }> } {
  const sent: Array<{ sql: string; params: unknown[] | undefined }> = [];
  return {
    sent,
    query: <T>(sql: string, params?: unknown[]) => {
      sent.push({ sql, params });
      return Promise.resolve([] as T);
    },
  };
}

describe('runCombined', () => {
  it('given no statements, then nothing is sent', async () => {
    const db = recorder();
    await runCombined(db, [undefined, undefined]);
    expect(db.sent).toEqual([]);
  });

  it('given one statement, then it is sent as it is', async () => {
    const db = recorder();
    const only: Statement = { sql: 'INSERT INTO t SELECT unnest($1::int[])', params: [[1, 2]] };
    await runCombined(db, [undefined, only]);
    expect(db.sent).toEqual([only]);
  });

  it('given several, then one WITH statement is sent, each one’s parameters renumbered after the ones before', async () => {
    const db = recorder();
    await runCombined(db, [
      { sql: 'INSERT INTO a SELECT * FROM unnest($1::int[], $2::text[])', params: [[1], ['x']] },
      undefined,
      { sql: 'UPDATE b SET v = $2 WHERE id = $1', params: [7, 'y'] },
      { sql: 'DELETE FROM c WHERE id = ANY($1::int[]) AND $1 IS NOT NULL', params: [[9]] },
    ]);
    expect(db.sent).toEqual([
      {
        sql:
          'WITH s0 AS (INSERT INTO a SELECT * FROM unnest($1::int[], $2::text[])),\n' +
          's1 AS (UPDATE b SET v = $4 WHERE id = $3),\n' +
          's2 AS (DELETE FROM c WHERE id = ANY($5::int[]) AND $5 IS NOT NULL) SELECT 1',
        params: [[1], ['x'], 7, 'y', [9]],
      },
    ]);
  });
});
