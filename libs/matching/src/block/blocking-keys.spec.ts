import { normaliseRecord } from '../normalise/record.normaliser';
import fc from 'fast-check';
import { handleSkeleton } from '../normalise/handle-skeleton';
import {
  blockingKeys,
  CANDIDATE_ONLY_KEY_TYPES,
  KEY_TYPES,
  LONE_NAME_YEARS,
} from './blocking-keys';
import {
  buildBlockIndex,
  forEachCandidatePair,
  recordKeysOf,
  trainingKeysOf,
} from './candidate-pairs.batch';
import { keysFromText } from '../../test/symmetric-lone-keys';

const keysOf = (input: Parameters<typeof normaliseRecord>[0]) =>
  new Set(blockingKeys(normaliseRecord(input)));
const shareKey = (a: Set<string>, b: Set<string>) => [...a].some((k) => b.has(k));

const withoutLoneNameKeys = (input: Parameters<typeof normaliseRecord>[0]): Set<string> =>
  new Set([...keysOf(input)].filter((k) => !k.startsWith('ly:')));

describe('blocking keys', () => {
  it('put records with transposed dates, swapped names or typos in a common block', () => {
    const base = keysOf({
      names: [{ given: ['John'], family: 'Smith' }],
      dateOfBirth: { year: 1980, month: 3, day: 7 },
    });
    expect(
      shareKey(
        base,
        keysOf({
          names: [{ given: ['John'], family: 'Smith' }],
          dateOfBirth: { year: 1980, month: 7, day: 3 },
        }),
      ),
    ).toBe(true);
    expect(
      shareKey(
        base,
        keysOf({
          names: [{ given: ['Smith'], family: 'John' }],
          dateOfBirth: { year: 1980, month: 3, day: 7 },
        }),
      ),
    ).toBe(true);
    expect(
      shareKey(
        base,
        keysOf({
          names: [{ given: ['Jon'], family: 'Smyth' }],
          dateOfBirth: { year: 1980, month: 3, day: 7 },
        }),
      ),
    ).toBe(true);
  });

  it('still block records without a date of birth', () => {
    const a = keysOf({ names: [{ given: ['Ann'], family: 'Lee' }] });
    const b = keysOf({
      names: [{ given: ['Ann'], family: 'Lee' }],
      dateOfBirth: { year: 1990, month: 1, day: 2 },
    });
    expect(shareKey(a, b)).toBe(true);
    const viaPhone = (given: string) =>
      keysOf({
        names: [{ given: [given], family: 'X' }],
        onlineIdentifiers: [
          { kind: 'ONLINE_IDENTIFIER_KIND_PHONE', platform: '', value: '07700900123' },
        ],
      });
    expect(shareKey(viaPhone('Ann'), viaPhone('Zed'))).toBe(true);
  });

  it('block a lone family name keyed as the given name through the birth year', () => {
    const full = keysOf({
      names: [{ given: ['Alexander'], family: 'Roberts' }],
      dateOfBirth: { year: 1950, month: 1, day: 27 },
    });
    const lone = (given: string[], family: string) =>
      keysOf({ names: [{ given, family }], dateOfBirth: { year: 1950 } });
    expect(shareKey(full, lone(['Roberts'], ''))).toBe(true);
    expect(shareKey(full, lone([], 'Roberts'))).toBe(true);
    expect(shareKey(full, lone(['Robert'], 'Smith'))).toBe(false);
  });

  it('give every key type in its stored text form, each key once, in a fixed order', () => {
    // The force node stores these texts (nominal_key): the integer form must not change them.
    const keys = blockingKeys(
      normaliseRecord({
        names: [
          { given: ['Mr', 'John', 'Paul'], family: 'Smith-Jones' },
          { given: ['Jack'], family: 'Smyth', type: 'NAME_TYPE_ALIAS' },
        ],
        dateOfBirth: { year: 1980, month: 3, day: 17 },
        identifiers: [
          { scheme: 'IDENTIFIER_SCHEME_PNC', value: '2001/0171310W' },
          { scheme: 'IDENTIFIER_SCHEME_NINO', value: 'QQ123456C' },
        ],
        onlineIdentifiers: [
          { kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', platform: '', value: 'john@example.com' },
          { kind: 'ONLINE_IDENTIFIER_KIND_PHONE', platform: '', value: '07700900123' },
        ],
        addresses: [
          { line: '12a Acacia Avenue', town: 'Kings Lynn', postcode: 'PE30 1AB' },
          { line: 'Flat 3 The Mews', town: 'Norwich', postcode: 'NR1 3QF' },
        ],
      }),
    );
    expect(keys).toEqual([
      'c:PNC:2001/0171310W',
      'n:NINO:QQ123456C',
      'o:EMAIL:john@example.com',
      'o:PHONE:+447700900123',
      'fy:SM0J:1980',
      'td:JN:19800317',
      'td:SM0J:19800317',
      'id:js:1980:3:17',
      'nn:JN:SM0J',
      'fy:SM0:1980',
      'td:JK:19800317',
      'td:SM0:19800317',
      'nn:JK:SM0',
      'ph:PE30 1AB:12a',
      'sh:acaciaavenue:12a',
      'pt:PE30 1AB:KNKS',
      'dp:19800317:PE30 1AB',
      'dh:19800317:12a',
      'dt:19800317:KNKS',
      'pt:NR1 3QF:NRX',
      'dp:19800317:NR1 3QF',
      'dt:19800317:NRX',
      // No handle key ("john" is too short a handle to key on), and no lone-name key: a record
      // with a year is met by lone names through its `fy` keys.
    ]);
  });

  it('key handles by their folded ends, after every other key', () => {
    const keys = blockingKeys(
      normaliseRecord({
        names: [{ given: ['Thomas'], family: '' }],
        dateOfBirth: { year: 1990, month: 0, day: 0 },
        onlineIdentifiers: [
          { kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', value: 'Gabriel.Thomas_1990@example.com' },
          {
            kind: 'ONLINE_IDENTIFIER_KIND_USERNAME',
            platform: 'kik',
            value: 'gabrielthomas1990_7',
          },
        ],
      }),
    );
    // The handle keys, last; no lone-name key (one name, but a year: lone names meet its `fy`).
    expect(keys.filter((k) => k.startsWith('fy:'))).toEqual(['fy:TMS:1990']);
    const handleKeys = ['op:gabrlelthoma', 'os:thomasl99o', 'os:homasl99o7'];
    expect(keys.filter((k) => CANDIDATE_ONLY_KEY_TYPES.has(k.slice(0, k.indexOf(':'))))).toEqual(
      handleKeys,
    );
    expect(keys.slice(-handleKeys.length)).toEqual(handleKeys);
    expect(handleSkeleton('EMAIL:g4briel.th0mas-1990@exampel.com')).toBe('gabrlelthomasl99o');
    expect(handleSkeleton('USERNAME:x:Gabriel_Thomas')).toBe('gabrlelthomas');
    expect(handleSkeleton('EMAIL:tom@example.com')).toBe('');
    expect(handleSkeleton('PHONE:+447700900123')).toBe('');
  });

  it('find one-name records without a date of birth through a mistyped e-mail or username', () => {
    const full = keysOf({
      names: [{ given: ['Gabriel'], family: 'Thomas' }],
      dateOfBirth: { year: 1976, month: 9, day: 15 },
      onlineIdentifiers: [
        { kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', value: 'gabriel.thomas54@nichols.example' },
        { kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'kik', value: 'matthewballard78' },
      ],
    });
    // The handle keys only: a lone name without a date of birth also meets `full` under `ly`.
    const sparse = (given: string[], family: string, kind: string, value: string) =>
      withoutLoneNameKeys({
        names: [{ given, family }],
        onlineIdentifiers: [
          {
            kind: `ONLINE_IDENTIFIER_KIND_${kind}`,
            platform: kind === 'EMAIL' ? '' : 'kik',
            value,
          },
        ],
      });
    for (const [given, family, kind, value] of [
      [[], 'Thomas', 'EMAIL', 'gabirel.th0mas54@nichols.example'], // o/0, letters swapped
      [['Thomas'], '', 'EMAIL', 'gabrie1_thomas54@nnichls.example'], // l/1, separator, domain
      [['Gabriel'], '', 'EMAIL', 'gabrielthomas54@nichols.example'], // separator dropped
      [[], 'Ballard', 'USERNAME', 'matthbwballard78'], // a typo near the start
      [[], 'Ballard', 'USERNAME', 'matthewballard87'], // a typo near the end
    ] as const) {
      expect([value, shareKey(full, sparse([...given], family, kind, value))]).toEqual([
        value,
        true,
      ]);
    }
    // Known limit: one typo in the middle of a short handle changes both ends.
    expect(shareKey(full, sparse([], 'Thomas', 'EMAIL', 'gabriel.tomas54@nichols.example'))).toBe(
      false,
    );
    // Another handle shares no key; one with the same first 12 characters is a candidate (only).
    expect(shareKey(full, sparse(['Gabriel'], '', 'EMAIL', 'gabe.t.1976@nichols.example'))).toBe(
      false,
    );
    expect(
      shareKey(full, sparse(['Gabriel'], '', 'EMAIL', 'gabriel.thomas.lfc@nichols.example')),
    ).toBe(true);
  });

  it('train on the established keys only: candidate-only keys are dropped, the rest keep their order', () => {
    const norm = [
      {
        names: [{ given: ['Ann'], family: 'Lee' }],
        dateOfBirth: { year: 1990, month: 1, day: 2 },
        onlineIdentifiers: [
          { kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'kik', value: 'annabel_lee_90' },
        ],
      },
      {
        names: [{ given: [], family: 'Lee' }],
        dateOfBirth: { year: 1990 },
        onlineIdentifiers: [
          { kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', value: 'annabel.lee.1990@example.com' },
        ],
      },
    ].map(normaliseRecord);
    const keys = recordKeysOf(norm);
    const training = trainingKeysOf(keys);
    norm.forEach((r, i) => {
      const typeOf = (k: string) => k.slice(0, k.indexOf(':'));
      const expected = blockingKeys(r).filter((k) => !CANDIDATE_ONLY_KEY_TYPES.has(typeOf(k)));
      const got = Array.from(
        training.keyIds.subarray(training.keyStart[i], training.keyStart[i + 1]),
        (id) => KEY_TYPES[training.keyTypes[id] ?? -1],
      );
      expect(got).toEqual(expected.map(typeOf));
      expect(blockingKeys(r).length).toBeGreaterThan(expected.length);
    });
    // Without candidate-only keys there is nothing to drop: the same object comes back.
    const plain = recordKeysOf([normaliseRecord({ names: [{ given: ['Ann'], family: 'Lee' }] })]);
    expect(trainingKeysOf(plain)).toBe(plain);
  });

  it('give equal integer keys exactly when the key texts are equal (property)', () => {
    const part = fc.constantFrom('Ann', 'Anne', 'Lee', 'Leigh', 'Smith', 'Smyth', 'J', 'O Brien');
    const record = fc.record({
      names: fc.array(fc.record({ given: fc.array(part, { maxLength: 2 }), family: part }), {
        maxLength: 2,
      }),
      dateOfBirth: fc.option(
        fc.record({
          year: fc.constantFrom(1980, 1981),
          month: fc.integer({ min: 0, max: 12 }),
          day: fc.integer({ min: 0, max: 12 }),
        }),
        { nil: undefined },
      ),
      addresses: fc.array(
        fc.record({
          line: fc.constantFrom('1 High St', '1 Highst', '12a High St', 'Mill Lane', ''),
          town: fc.constantFrom('Kings Lynn', 'Kingslynn', 'Ely', ''),
          postcode: fc.constantFrom('PE30 1AB', 'PE301AB', 'CB7 4DL', ''),
        }),
        { maxLength: 2 },
      ),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 2, maxLength: 6 }), (inputs) => {
        const norm = inputs.map(normaliseRecord);
        const keys = recordKeysOf(norm);
        const idOfText = new Map<string, number>();
        norm.forEach((r, i) => {
          const texts = blockingKeys(r);
          const start = keys.keyStart[i] ?? 0;
          expect((keys.keyStart[i + 1] ?? 0) - start).toBe(texts.length);
          texts.forEach((t, x) => {
            const id = keys.keyIds[start + x] ?? -1;
            expect(idOfText.get(t) ?? id).toBe(id);
            idOfText.set(t, id);
            expect(KEY_TYPES[keys.keyTypes[id] ?? -1]).toBe(t.slice(0, t.indexOf(':')));
          });
        });
        expect(new Set(idOfText.values()).size).toBe(idOfText.size);
        expect(keys.keyCount).toBe(idOfText.size);
      }),
    );
  });

  it('use only valid custody identifiers as keys', () => {
    const keys = keysOf({
      names: [],
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: '2001/0171310S' }],
    });
    expect([...keys].some((k) => k.startsWith('c:'))).toBe(false);
  });

  it('enumerate each candidate pair once, and skip oversized blocks', () => {
    const index = buildBlockIndex(
      keysFromText([['a', 'b'], ['a', 'b'], ['a'], ['c'], ['big'], ['big'], ['big']]),
      2,
    );
    const pairs: string[] = [];
    forEachCandidatePair(index, (i, j) => pairs.push(`${i}-${j}`));
    // 'a' (3 members) and 'big' exceed the cap of 2; only 'b' yields a pair.
    expect(pairs.sort()).toEqual(['0-1']);
    const index2 = buildBlockIndex(keysFromText([['a', 'b'], ['a', 'b'], ['a'], ['c']]), 3);
    const pairs2: string[] = [];
    forEachCandidatePair(index2, (i, j) => pairs2.push(`${i}-${j}`));
    expect(pairs2.sort()).toEqual(['0-1', '0-2', '1-2']);
    expect(index.droppedBlocks).toBe(2);
  });

  it('file a lone name without a date of birth under its code alone, and others under no lone-name key', () => {
    const lone = [...keysOf({ names: [{ given: [], family: 'Featherstone' }] })];
    expect(lone.filter((k) => k.startsWith('ly:'))).toEqual(['ly:F0RS']);
    // In either slot, the same key.
    expect([...keysOf({ names: [{ given: ['Featherstone'], family: '' }] })]).toContain('ly:F0RS');
    const full = [
      ...keysOf({
        names: [{ given: ['Amelia'], family: 'Featherstone' }],
        dateOfBirth: { year: 1983, month: 4, day: 9 },
      }),
    ];
    // A record with a year holds the `fy` key the lone name probes (LONE_NAME_KEY), no `ly` key.
    expect(full.filter((k) => k.startsWith('fy:'))).toEqual(['fy:F0RS:1983']);
    expect(full.filter((k) => k.startsWith('ly:'))).toEqual([]);
    expect(LONE_NAME_YEARS.from <= 1983 && 1983 <= LONE_NAME_YEARS.to).toBe(true);
    // Two names and no date of birth, or one name and a year: no lone-name key.
    const twoNames = [...keysOf({ names: [{ given: ['Amelia'], family: 'Featherstone' }] })];
    const oneNameYear = [
      ...keysOf({ names: [{ given: [], family: 'Featherstone' }], dateOfBirth: { year: 1983 } }),
    ];
    expect([...twoNames, ...oneNameYear].filter((k) => k.startsWith('ly:'))).toEqual([]);
    expect(oneNameYear).toContain('fy:F0RS:1983');
  });
});
