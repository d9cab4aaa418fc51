import type { OutgoingMessage } from '@intel/kafka';
import { DEAD_LETTER_REQUEST_BYTES, inRequests } from './dead-letters';

const letter = (n: number, bytes: number): OutgoingMessage => ({
  topic: 'intel.dlq.v1',
  key: `k${n}`,
  value: Buffer.alloc(bytes),
  headers: {},
});

describe('dead letters in requests the broker takes', () => {
  it('cuts a long run into requests under the limit, in order, losing none', () => {
    const letters = Array.from({ length: 3000 }, (_, i) => letter(i, 1000));
    const requests = inRequests(letters, DEAD_LETTER_REQUEST_BYTES);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.flat()).toEqual(letters);
    for (const r of requests)
      expect(r.reduce((n, m) => n + (m.value?.length ?? 0), 0)).toBeLessThanOrEqual(
        DEAD_LETTER_REQUEST_BYTES,
      );
  });

  it('sends a letter larger than the limit alone, and a short run in one request', () => {
    const big = letter(0, DEAD_LETTER_REQUEST_BYTES + 1);
    expect(inRequests([letter(1, 10), big, letter(2, 10)], DEAD_LETTER_REQUEST_BYTES)).toEqual([
      [letter(1, 10)],
      [big],
      [letter(2, 10)],
    ]);
    expect(inRequests([letter(1, 10), letter(2, 10)], DEAD_LETTER_REQUEST_BYTES)).toHaveLength(1);
    expect(inRequests([], DEAD_LETTER_REQUEST_BYTES)).toEqual([]);
  });
});
