import { personRecord } from '@intel/testing';
import { BatchTooLargeError, PendingBatch, approxSize } from './pending-batch';

const item = (id: string, family = 'Smith') => ({
  person: personRecord({
    sourceRecordId: id,
    names: [{ given: ['Ann'], family, type: 'NAME_TYPE_BIRTH' as never }],
  }),
  incident: undefined,
});

describe('PendingBatch: a SubmitBatch held until half-close', () => {
  it('validates each item as it arrives, holding the valid ones in order, in chunks', () => {
    const rejected: string[] = [];
    const b = new PendingBatch({ chunkSize: 2, maxItems: 10, maxBytes: 1e6 }, (k) =>
      rejected.push(k),
    );
    b.add(item('a'));
    b.add(item('b', 'Bad\u0000'));
    b.add(item('c'));
    b.add({ person: undefined, incident: undefined });
    b.add(item('d'));
    expect(b.size).toBe(5);
    expect(b.results[1]?.error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'person.names[0].family',
    });
    expect(b.results[3]?.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'item' });
    expect(rejected).toEqual(['person']);
    expect(b.chunks().map((c) => c.map((v) => v.index))).toEqual([[0, 2], [4]]);
  });

  it('refuses the item beyond MAX_BATCH_ITEMS', () => {
    const b = new PendingBatch({ chunkSize: 2, maxItems: 2, maxBytes: 1e6 });
    b.add(item('a'));
    b.add(item('b'));
    expect(() => b.add(item('c'))).toThrow(BatchTooLargeError);
  });

  it('refuses content beyond MAX_BATCH_BYTES', () => {
    const one = approxSize(item('a'));
    const b = new PendingBatch({ chunkSize: 2, maxItems: 100, maxBytes: one * 2 + 1 });
    b.add(item('a'));
    b.add(item('b'));
    expect(() => b.add(item('c'))).toThrow(/nothing of it was stored/);
  });

  it('sizes a message by its strings and scalars', () => {
    expect(approxSize({ a: 'abcd', b: [1, 'xy'], c: null, d: { e: true } })).toBe(4 + 8 + 2 + 8);
  });
});
