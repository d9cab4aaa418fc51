import type { Sql } from '@intel/db';
import { CandidateKeyIndex } from './candidate-key-index';

/** A stand-in for the catch-up query: the rows stamped after the given one, in stamp order. */
function rowsSince(
  rows: Array<{ id: string; candidate_keys: string[]; candidate_keys_seq: string }>,
) {
  const tx: Sql = {
    query: <R>(_sql: string, params?: unknown[]) =>
      Promise.resolve(
        rows.filter((r) => BigInt(r.candidate_keys_seq) > BigInt(String(params?.[0]))) as R,
      ),
  };
  return tx;
}

describe('CandidateKeyIndex', () => {
  it('given committed keys, when a transaction opens its view, then it finds each key’s holders up to the cap', async () => {
    const index = new CandidateKeyIndex();
    const view = await index.open(
      rowsSince([
        { id: 'n1', candidate_keys: ['blk:a', 'blk:b'], candidate_keys_seq: '1' },
        { id: 'n2', candidate_keys: ['blk:a'], candidate_keys_seq: '2' },
        { id: 'n3', candidate_keys: ['blk:a'], candidate_keys_seq: '3' },
      ]),
    );
    expect(view.holders('blk:a', 10).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(view.holders('blk:a', 2)).toHaveLength(2);
    expect(view.holders('blk:b', 10)).toEqual(['n1']);
    expect(view.holders('blk:z', 10)).toEqual([]);
  });

  it('given a later stamp for a nominal, when the index catches up, then its old keys are gone and its new ones found', async () => {
    const index = new CandidateKeyIndex();
    const rows = [{ id: 'n1', candidate_keys: ['blk:a'], candidate_keys_seq: '1' }];
    await index.open(rowsSince(rows));
    rows.push({ id: 'n1', candidate_keys: ['blk:b'], candidate_keys_seq: '2' });
    rows.push({ id: 'n2', candidate_keys: ['blk:a'], candidate_keys_seq: '3' });
    const view = await index.open(rowsSince(rows));
    expect(view.holders('blk:a', 10)).toEqual(['n2']);
    expect(view.holders('blk:b', 10)).toEqual(['n1']);
    // Cleared (an absorbed nominal): held nowhere.
    rows.push({ id: 'n2', candidate_keys: [], candidate_keys_seq: '4' });
    const later = await index.open(rowsSince(rows));
    expect(later.holders('blk:a', 10)).toEqual([]);
    expect(index.size).toBe(1);
  });

  it('given a transaction’s own writes, then its view reads them over the committed copy and a savepoint rolls them back, while other transactions see the committed copy only', async () => {
    const index = new CandidateKeyIndex();
    const committed = [{ id: 'n1', candidate_keys: ['blk:a'], candidate_keys_seq: '1' }];
    const tx = rowsSince(committed);
    const view = await index.open(tx);
    view.set('n2', ['blk:a']);
    const mark = index.mark(tx);
    view.set('n1', ['blk:b']);
    view.set('n3', ['blk:a']);
    expect(view.holders('blk:a', 10).sort()).toEqual(['n2', 'n3']);
    expect(view.holders('blk:b', 10)).toEqual(['n1']);
    index.rollbackTo(tx, mark);
    expect(view.holders('blk:a', 10).sort()).toEqual(['n1', 'n2']);
    expect(view.holders('blk:b', 10)).toEqual([]);
    // Uncommitted: another transaction does not see n2.
    const other = await index.open(rowsSince(committed));
    expect(other.holders('blk:a', 10)).toEqual(['n1']);
  });

  it('given a savepoint taken before the transaction opened its view, then rolling back to it forgets everything', async () => {
    const index = new CandidateKeyIndex();
    const tx = rowsSince([]);
    const mark = index.mark(tx);
    const view = await index.open(tx);
    view.set('n1', ['blk:a']);
    index.rollbackTo(tx, mark);
    expect(view.holders('blk:a', 10)).toEqual([]);
  });
});
