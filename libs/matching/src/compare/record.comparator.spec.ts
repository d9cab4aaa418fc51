import fc from 'fast-check';
import type { MatchInput } from '../model/match-input';
import { normaliseRecord } from '../normalise/record.normaliser';
import { F, FIELDS, NULL_LEVEL } from './fields';
import { newComparison, RecordComparator } from './record.comparator';

const comparator = new RecordComparator();
const level = (a: MatchInput, b: MatchInput, field: keyof typeof F): string => {
  const c = comparator.compare(normaliseRecord(a), normaliseRecord(b));
  const l = c.levels[F[field]] ?? NULL_LEVEL;
  return l === NULL_LEVEL ? 'null' : (FIELDS[F[field]]?.levels[l] ?? '?');
};
const person = (given: string[], family: string, extra: Partial<MatchInput> = {}): MatchInput => ({
  names: [{ given, family }],
  ...extra,
});

describe('record comparator', () => {
  it('grades given names', () => {
    expect(level(person(['John'], 'X'), person(['john'], 'X'), 'given')).toBe('exact');
    expect(level(person(['William'], 'X'), person(['Bill'], 'X'), 'given')).toBe('nickname');
    expect(level(person(['Margaret'], 'X'), person(['Peggy'], 'X'), 'given')).toBe('nickname');
    expect(level(person(['John', 'Paul'], 'X'), person(['Paul'], 'X'), 'given')).toBe('nickname');
    expect(level(person(['Jonathan'], 'X'), person(['Jonathon'], 'X'), 'given')).toBe(
      'jaro-winkler-0.92',
    );
    expect(level(person(['Catherine'], 'X'), person(['Kathryn'], 'X'), 'given')).toBe('phonetic');
    expect(level(person(['J'], 'X'), person(['John'], 'X'), 'given')).toBe('initial');
    expect(level(person(['John'], 'X'), person(['Mary'], 'X'), 'given')).toBe('different');
    expect(level(person([], 'X'), person(['Mary'], 'X'), 'given')).toBe('null');
  });

  it('grades family names, double-barrelled ones included', () => {
    expect(level(person(['A'], 'Smith-Jones'), person(['A'], 'Jones'), 'family')).toBe('part');
    expect(level(person(['A'], 'Harrison'), person(['A'], 'Harrisson'), 'family')).toBe(
      'jaro-winkler-0.92',
    );
    expect(level(person(['A'], 'Smith'), person(['A'], 'Smyth'), 'family')).toBe('phonetic');
    expect(level(person(['A'], 'Smith'), person(['A'], 'Brown'), 'family')).toBe('different');
  });

  it('recognises given and family names swapped on one side', () => {
    const a = normaliseRecord(person(['Harvey'], 'Shepherdson'));
    const b = normaliseRecord(person(['Shepherdson'], 'Harvey'));
    const c = comparator.compare(a, b);
    expect(c.swapped).toBe(true);
    expect(c.levels[F.given]).toBe(0);
    expect(c.levels[F.family]).toBe(0);
  });

  it('agrees a lone name with the other record’s name in the other slot', () => {
    const full = normaliseRecord(person(['Thomas'], 'Gabriel'));
    for (const [one, swapped] of [
      [person([], 'Thomas'), true], // given name keyed as the family name
      [person(['Gabriel'], ''), true], // family name keyed as the given name
      [person(['Thomas'], ''), false], // in its own slot: the straight comparison
    ] as const) {
      for (const c of [
        comparator.compare(normaliseRecord(one), full),
        comparator.compare(full, normaliseRecord(one)),
      ]) {
        expect(c.swapped).toBe(swapped);
        expect(c.levels[F.given]).toBe(swapped ? NULL_LEVEL : 0);
        expect(c.levels[F.family]).toBe(swapped ? 0 : NULL_LEVEL);
      }
    }
    // Two lone names in different slots, and a lone name that agrees with neither.
    const c = comparator.compare(
      normaliseRecord(person(['Thomas'], '')),
      normaliseRecord(person([], 'Tomas')),
    );
    expect([c.swapped, c.levels[F.given], c.levels[F.family]]).toEqual([true, NULL_LEVEL, 2]);
    expect(level(person([], 'Brown'), person(['Thomas'], 'Gabriel'), 'family')).toBe('different');
  });

  it('grades addresses as a whole and shares of online identifiers', () => {
    const at = (line: string, town: string, postcode: string) =>
      person(['A'], 'B', { addresses: [{ line, town, postcode }] });
    const home = at('1 High Street', 'Norwich', 'NR1 3QF');
    // Only the town agrees: a town-only address is not "same" against a full one in that town.
    const townOnly = at('', 'Norwich', '');
    for (const [other, expected] of [
      [at('1 High St', 'Norwich', 'NR1 3QF'), 'same'],
      [at('3 High Street', 'Norwich', 'NR1 3QF'), 'mostly'],
      [townOnly, 'town'],
      [at('9 Mill Lane', 'Norwich', 'NR2 4BB'), 'partly'],
      [at('9 Mill Lane', 'Leeds', 'LS1 1AA'), 'different'],
    ] as const) {
      expect(level(home, other, 'address')).toBe(expected);
    }
    expect(level(townOnly, townOnly, 'address')).toBe('town');
    expect(level(townOnly, at('1 High Street', 'Leeds', 'LS1 1AA'), 'address')).toBe('different');
    const on = (value: string, kind = 'ONLINE_IDENTIFIER_KIND_EMAIL', platform = '') =>
      person(['A'], 'B', { onlineIdentifiers: [{ kind, platform, value }] });
    expect(level(on('a@example.com'), on('A@example.com'), 'online')).toBe('shared');
    expect(level(on('a@example.com'), on('b@example.com'), 'online')).toBe('different');
    // A handle copied by eye, a separator, a mistyped domain, one keying error: similar.
    const email = on('gabriel.t54@nichols.example');
    for (const copy of [
      'gabrie1.t54@nichols.example',
      'gabriel_t54@nichols.example',
      'gabriel.t54@nnichls.example',
      'gabrel.t54@nichols.example',
    ])
      expect(level(email, on(copy), 'online')).toBe('similar');
    expect(
      level(email, on('Gabriel_T54', 'ONLINE_IDENTIFIER_KIND_USERNAME', 'discord'), 'online'),
    ).toBe('similar');
    // Another number is another person's handle; short handles and phones are never similar.
    expect(level(email, on('gabriel.t55@nichols.example'), 'online')).toBe('different');
    expect(level(on('tom1@example.com'), on('tom@example.com'), 'online')).toBe('different');
  });

  it('grades dates of birth the same on the flat path as compareDates', () => {
    const born = (year: number, month: number, day: number) =>
      person(['A'], 'B', { dateOfBirth: { year, month, day } });
    expect(level(born(1977, 10, 17), born(1976, 10, 15), 'dob')).toBe('near');
    expect(level(born(1977, 10, 17), born(1977, 9, 15), 'dob')).toBe('different');
    expect(level(born(1977, 10, 17), born(1977, 10, 17), 'dob')).toBe('exact');
  });

  it('grades custody identifiers, keying errors included', () => {
    const pnc = (value: string) =>
      person(['A'], 'B', { identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC', value }] });
    expect(level(pnc('79/163001B'), pnc('1979/0163001B'), 'custodyId')).toBe('exact');
    expect(level(pnc('1979/0163001B'), pnc('1979/0163010B'), 'custodyId')).toBe('one-edit');
    expect(level(pnc('1979/0163001B'), pnc('2002/0073319Z'), 'custodyId')).toBe('different');
  });

  const name = fc.constantFrom(
    'john',
    'jon',
    'william',
    'bill',
    'smith',
    'smyth',
    'catherine',
    'kathryn',
    'j',
    'mary',
    'jones',
  );
  const input = fc
    .record({
      given: fc.array(name, { maxLength: 2 }),
      family: name,
      alias: fc.option(name, { nil: undefined }),
      year: fc.constantFrom(0, 1980, 1981),
      month: fc.integer({ min: 0, max: 12 }),
      day: fc.integer({ min: 0, max: 12 }),
      pc: fc.constantFrom('', 'NR1 3QF', 'NR1 3QG', 'LS1 1AA'),
      line: fc.constantFrom('', '1 High Street', '2 High Street', '1 Mill Lane'),
      email: fc.constantFrom('', 'a@example.com', 'b@example.com'),
    })
    .map((r): MatchInput => ({
      names: [
        { given: r.given, family: r.family },
        ...(r.alias ? [{ given: [r.alias], family: r.family, type: 'NAME_TYPE_ALIAS' }] : []),
      ],
      dateOfBirth: { year: r.year, month: r.month, day: r.day },
      addresses: r.pc || r.line ? [{ line: r.line, town: 'Norwich', postcode: r.pc }] : [],
      onlineIdentifiers: r.email
        ? [{ kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', platform: '', value: r.email }]
        : [],
    }));

  it('is symmetric (property)', () => {
    fc.assert(
      fc.property(input, input, (x, y) => {
        const a = normaliseRecord(x);
        const b = normaliseRecord(y);
        const ab = comparator.compare(a, b, newComparison());
        const ba = comparator.compare(b, a, newComparison());
        expect(Array.from(ab.levels)).toEqual(Array.from(ba.levels));
        expect(Array.from(ab.tfValues)).toEqual(Array.from(ba.tfValues));
      }),
      { numRuns: 500 },
    );
  });

  it('takes the flat fast path only where it gives the general path’s answer (property)', () => {
    const slow = new RecordComparator();
    slow.fastPath = false;
    fc.assert(
      fc.property(input, input, (x, y) => {
        const a = normaliseRecord(x);
        const b = normaliseRecord(y);
        const fast = comparator.compare(a, b, newComparison());
        const general = slow.compare(a, b, newComparison());
        expect(Array.from(fast.levels)).toEqual(Array.from(general.levels));
        expect(Array.from(fast.tfValues)).toEqual(Array.from(general.tfValues));
        expect(fast.swapped).toBe(general.swapped);
      }),
      { numRuns: 500 },
    );
  });
});
