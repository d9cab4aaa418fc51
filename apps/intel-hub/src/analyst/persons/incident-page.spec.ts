import { ProblemError } from '../http/problem';
import { incidentPage } from './incident-page';

const ref = (forceCode: string, id: string) => ({ forceCode, entity: 'incident', id });
const refs = [ref('46', 'b'), ref('01', 'z'), ref('46', 'a'), ref('36', 'm')];

describe("a person's incidents, paged", () => {
  it('given a limit, then pages in force-then-id order until the cursor runs out', () => {
    const first = incidentPage(refs, undefined, 3);
    expect(first.page.map((k) => `${k.forceCode}/${k.id}`)).toEqual(['01/z', '36/m', '46/a']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = incidentPage(refs, first.nextCursor ?? '', 3);
    expect(second).toEqual({ page: [{ forceCode: '46', id: 'b' }], nextCursor: null });
  });

  it('given an exact fit, then no next cursor', () => {
    expect(incidentPage(refs, undefined, 4).nextCursor).toBeNull();
  });

  it('given a cursor this API did not give, then 400 naming cursor', () => {
    for (const bad of ['%%%', Buffer.from('{"a":1}').toString('base64url')]) {
      try {
        incidentPage(refs, bad, 3);
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(ProblemError);
        expect((err as ProblemError).errors[0]?.field).toBe('cursor');
      }
    }
  });
});
