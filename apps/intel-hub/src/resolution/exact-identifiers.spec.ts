import { OnlineIdentifierKind, type OnlineIdentifier } from '@intel/contracts';
import { stringTableFrames, type DecodedSnapshot, type SnapshotPart } from '@intel/matching';
import { onlineIdentifierKey } from '@intel/records';
import fc from 'fast-check';
import {
  canonicalIdentifierKey,
  ExactIdentifierIndex,
  identifierKeysOf,
} from './exact-identifiers';
import { NATIONAL_RAW_TABLES, NationalParts } from './snapshot-parts';

const oi = (kind: OnlineIdentifierKind, value: string, platform = ''): OnlineIdentifier => ({
  kind,
  platform,
  value,
  observedAt: undefined,
});

const sorted = (xs: string[]) => [...xs].sort();

describe('identifierKeysOf', () => {
  it('given identifiers in several written forms, then each canonical key once', () => {
    const keys = identifierKeysOf({
      onlineIdentifiers: [
        oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'J.Smith@Example.com'),
        oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'j.smith@example.com'),
        oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME, '@Sk8rGirl_13', 'Kik'),
      ],
    });
    expect(sorted(keys)).toEqual(['email:j.smith@example.com', 'username:kik:sk8rgirl_13']);
  });

  it('given an identifier with no canonical form, then no key for it', () => {
    const keys = identifierKeysOf({
      onlineIdentifiers: [oi(OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL, 'not an email')],
    });
    expect(keys).toEqual([]);
  });
});

describe('canonicalIdentifierKey', () => {
  const K = OnlineIdentifierKind;
  // Written as forces write them: cases, an @, spaces, national phone formats, platforms in
  // other cases, an IP address (a kind the engine does not compare), and unreadable ones.
  const cases: OnlineIdentifier[] = [
    oi(K.ONLINE_IDENTIFIER_KIND_EMAIL, 'J.Smith@Example.com'),
    oi(K.ONLINE_IDENTIFIER_KIND_EMAIL, 'not an email'),
    oi(K.ONLINE_IDENTIFIER_KIND_PHONE, '07700 900123'),
    oi(K.ONLINE_IDENTIFIER_KIND_PHONE, '+44 7700 900123'),
    oi(K.ONLINE_IDENTIFIER_KIND_PHONE, '12'),
    oi(K.ONLINE_IDENTIFIER_KIND_USERNAME, '@Sk8rGirl_13', 'Kik'),
    oi(K.ONLINE_IDENTIFIER_KIND_USERNAME, 'name', 'Discord'),
    oi(K.ONLINE_IDENTIFIER_KIND_USERNAME, 'name'),
    oi(K.ONLINE_IDENTIFIER_KIND_PLATFORM_USER_ID, '100012345678', 'Facebook'),
    oi(K.ONLINE_IDENTIFIER_KIND_PROFILE_URL, 'https://www.instagram.com/John.Smith/'),
    oi(K.ONLINE_IDENTIFIER_KIND_DEVICE_ID, '35-209900-176148-1'),
    oi(K.ONLINE_IDENTIFIER_KIND_IP_ADDRESS, '192.0.2.10'),
    oi(K.ONLINE_IDENTIFIER_KIND_IP_ADDRESS, '2001:DB8::1'),
    oi(K.ONLINE_IDENTIFIER_KIND_IP_ADDRESS, '999.1.1.1'),
  ];

  it.each(cases.map((c) => [c.kind, c.platform, c.value, c]))(
    'given %s %p %p, then the key CheckIdentifiers looks up (onlineIdentifierKey)',
    (_k, _p, _v, o) => {
      const expected = onlineIdentifierKey(o);
      // Twice: the second read comes from the engine's memo.
      expect(canonicalIdentifierKey(o)).toBe(expected);
      expect(canonicalIdentifierKey(o)).toBe(expected);
    },
  );

  it('given readable identifiers of every kind, then each has a key (the cases above test something)', () => {
    const keyed = cases.filter((c) => onlineIdentifierKey(c) !== undefined).map((c) => c.kind);
    expect(new Set(keyed)).toEqual(
      new Set(Object.values(K).filter((k) => k !== K.ONLINE_IDENTIFIER_KIND_UNSPECIFIED)),
    );
  });
});

/**
 * The index with its holders named (the national index names them by integer handle): each
 * name is given the next integer the first time it is met.
 */
function namedHolders() {
  const raw = new ExactIdentifierIndex();
  const names: string[] = [];
  const handle = (name: string): number => {
    const i = names.indexOf(name);
    return i >= 0 ? i : names.push(name) - 1;
  };
  const named = (hs: number[]): string[] => hs.map((h) => names[h] as string);
  return {
    get size() {
      return raw.size;
    },
    add: (m: string, keys: Iterable<string>) => raw.add(handle(m), keys),
    remove: (m: string, keys: Iterable<string>) => raw.remove(handle(m), keys),
    replace: (m: string, before: string[], after: string[]) =>
      raw.replace(handle(m), before, after),
    holderCount: (key: string) => raw.holderCount(key),
    holdersOf: (key: string) => named(raw.holdersOf(key)),
  };
}

describe('ExactIdentifierIndex', () => {
  let index: ReturnType<typeof namedHolders>;

  beforeEach(() => {
    index = namedHolders();
  });

  it('given holders added, then each identifier lists exactly its holders, once each', () => {
    index.add('36:a', ['email:x', 'phone:+447700900001']);
    index.add('01:b', ['email:x']);
    index.add('01:b', ['email:x']);
    index.add('46:c', ['email:x']);
    expect(sorted(index.holdersOf('email:x'))).toEqual(['01:b', '36:a', '46:c']);
    expect(index.holdersOf('phone:+447700900001')).toEqual(['36:a']);
    expect(index.holdersOf('email:y')).toEqual([]);
    expect(index.size).toBe(2);
  });

  it('given a holder removed, then it leaves that identifier only, and an empty one goes', () => {
    index.add('36:a', ['email:x', 'phone:1']);
    index.add('01:b', ['email:x']);
    index.add('46:c', ['email:x']);
    expect(index.holderCount('email:x')).toBe(3);
    index.remove('01:b', ['email:x']);
    expect(sorted(index.holdersOf('email:x'))).toEqual(['36:a', '46:c']);
    expect(index.holderCount('phone:1')).toBe(1);
    index.remove('36:a', ['email:x', 'phone:1']);
    expect(index.holdersOf('email:x')).toEqual(['46:c']);
    expect(index.holdersOf('phone:1')).toEqual([]);
    index.remove('46:c', ['email:x']);
    expect(index.size).toBe(0);
    expect(index.holderCount('email:x')).toBe(0);
  });

  it('given a record removed that does not hold the identifier, then the holders are unchanged', () => {
    index.add('36:a', ['email:x']);
    index.remove('01:b', ['email:x', 'email:none']);
    expect(index.holdersOf('email:x')).toEqual(['36:a']);
    index.add('01:b', ['email:x']);
    index.remove('46:c', ['email:x']);
    expect(sorted(index.holdersOf('email:x'))).toEqual(['01:b', '36:a']);
  });

  it('given a record updated, then identifiers it dropped lose it and new ones gain it', () => {
    index.add('36:a', ['email:x', 'phone:1']);
    index.add('01:b', ['phone:1']);
    index.replace('36:a', ['email:x', 'phone:1'], ['phone:1', 'username:kik:z']);
    expect(index.holdersOf('email:x')).toEqual([]);
    expect(sorted(index.holdersOf('phone:1'))).toEqual(['01:b', '36:a']);
    expect(index.holdersOf('username:kik:z')).toEqual(['36:a']);
    expect(index.size).toBe(2);
  });

  it('given the holders read, then changing the copy changes nothing held', () => {
    index.add('36:a', ['email:x']);
    index.add('01:b', ['email:x']);
    index.holdersOf('email:x').pop();
    expect(index.holdersOf('email:x')).toHaveLength(2);
  });

  it('given many holders of one identifier, then every one is listed and removals keep count', () => {
    const members = Array.from({ length: 500 }, (_, i) => `36:n${i}`);
    for (const m of members) index.add(m, ['phone:shared']);
    expect(index.holdersOf('phone:shared')).toHaveLength(500);
    for (const m of members.filter((_, i) => i % 2 === 0)) index.remove(m, ['phone:shared']);
    expect(sorted(index.holdersOf('phone:shared'))).toEqual(
      sorted(members.filter((_, i) => i % 2 === 1)),
    );
  });
});

describe('ExactIdentifierIndex over random operations', () => {
  it('lists the same holders as a map of sets, before and after a snapshot, as identifiers come and go', () => {
    const key = fc.constantFrom(
      'email:x',
      'phone:1',
      'phone:2',
      'username:kik:\u4e2d',
      'ip:1.2.3.4',
    );
    const op = fc.tuple(
      fc.boolean(),
      fc.integer({ min: 0, max: 5 }),
      fc.array(key, { maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        let index = new ExactIdentifierIndex();
        const ref = new Map<string, Set<number>>();
        const check = (): void => {
          expect(index.size).toBe(ref.size);
          for (const k of ['email:x', 'phone:1', 'phone:2', 'username:kik:\u4e2d', 'ip:1.2.3.4']) {
            const want = [...(ref.get(k) ?? [])].sort();
            expect([...index.holdersOf(k)].sort()).toEqual(want);
            expect(index.holderCount(k)).toBe(want.length);
          }
        };
        ops.forEach(([adding, member, keys], i) => {
          if (adding) index.add(member, keys);
          else index.remove(member, keys);
          for (const k of keys) {
            const held = ref.get(k) ?? new Set<number>();
            if (adding) held.add(member);
            else held.delete(member);
            if (held.size > 0) ref.set(k, held);
            else ref.delete(k);
          }
          if (i % 50 === 49) {
            check();
            index = ExactIdentifierIndex.fromSnapshot(partsOf(index.snapshotParts()));
          }
        });
        check();
      }),
      { numRuns: 100 },
    );
  });
});

/** Parts as a decoded snapshot holds them. */
function partsOf(parts: Iterable<SnapshotPart>): NationalParts {
  const decoded: DecodedSnapshot = {
    header: {} as DecodedSnapshot['header'],
    arrays: new Map(),
    strings: new Map(),
    raw: new Map(),
  };
  for (const p of parts)
    if ('strings' in p && NATIONAL_RAW_TABLES.has(p.name)) {
      // As the snapshot frames it (`stringTableFrames`), read as bytes.
      const texts = [...p.strings];
      const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
      const frames = [...stringTableFrames(texts, p.name)];
      decoded.raw.set(p.name, { frames, count: texts.length, bytes });
    } else if ('strings' in p) decoded.strings.set(p.name, [...p.strings]);
    else if ('i32' in p) decoded.arrays.set(p.name, Int32Array.from(p.i32));
    else decoded.arrays.set(p.name, Float64Array.from(p.f64));
  return new NationalParts(decoded);
}
