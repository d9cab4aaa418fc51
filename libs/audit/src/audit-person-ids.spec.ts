import { canonicalJson } from './audit-entry';
import { auditPersonIds } from './audit-person-ids';

/** auditPersonIds of the canonical JSON of a request and a response. */
const ids = (request: unknown, response: unknown = null) =>
  auditPersonIds(canonicalJson(request), canonicalJson(response));

describe('auditPersonIds', () => {
  it('given string members nationalPersonId and personId at any depth of either document, then it lists each once, in code-unit order', () => {
    expect(
      ids(
        { personId: 'p2', user: { sub: 'u' } },
        {
          nationalPersonId: 'p1',
          matches: [
            { candidate: { personId: 'p3', nationalPersonId: 'p2' } },
            [[{ personId: 'P0' }]],
          ],
        },
      ),
    ).toEqual(['P0', 'p1', 'p2', 'p3']);
  });

  it('given a member whose value is an array, then the strings directly in it count and nothing nested deeper (jsonpath lax mode)', () => {
    expect(ids({ personId: ['a', 1, null, ['b'], { personId: 'c' }, 'd'] })).toEqual([
      'a',
      'c',
      'd',
    ]);
  });

  it('given members of other types, or other names, then they do not count', () => {
    expect(
      ids({
        personId: 7,
        nationalPersonId: { id: 'x' },
        PersonId: 'y',
        personid: 'z',
        xpersonId: 'w',
        person: { Id: 'v' },
      }),
    ).toEqual([]);
    expect(ids('personId', ['nationalPersonId', 'p'])).toEqual([]);
  });

  it('given the names inside strings or inside other keys, then they do not count', () => {
    expect(
      ids({
        note: '{"personId":"fake1"},"nationalPersonId":"fake2"',
        'a,"personId': 'fake3',
        'b"': { 'personId"': 'fake4' },
        '\\': ',"personId":"fake5"',
      }),
    ).toEqual([]);
  });

  it('given escapes in an id, then the id is decoded; an empty string counts', () => {
    expect(ids({ personId: 'a"b\\c\n\u2028é😀' }, { personId: '' })).toEqual([
      '',
      'a"b\\c\n\u2028é😀',
    ]);
  });
});
