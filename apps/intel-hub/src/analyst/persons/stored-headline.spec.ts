import {
  Disclosure,
  IdentifierScheme,
  NameType,
  NominalState,
  Sex,
  hasDetails,
  headlineOf,
  holdingHeadline,
  holdingWithStoredDetails,
  type Holding,
} from '@intel/contracts';
import { Rng } from '@intel/synthetic';

/** Deterministic pseudo-random numbers (the synthetic data's mulberry32): the same every run. */
function rng(seed: number): () => number {
  const g = new Rng(seed);
  return () => g.next();
}

function state(r: () => number, i: number): NominalState {
  const n = (max: number) => Math.floor(r() * (max + 1));
  const word = () => ['Ann', 'Øystein', 'O’Neil', '', 'Smith-Jones', '李'][n(5)] as string;
  return {
    nominalId: `N-${i}`,
    version: n(5),
    names: Array.from({ length: n(3) }, () => ({
      given: Array.from({ length: n(3) }, word),
      family: word(),
      type: r() < 0.5 ? NameType.NAME_TYPE_BIRTH : NameType.NAME_TYPE_ALIAS,
    })),
    datesOfBirth: Array.from({ length: n(3) }, () => ({
      year: 1900 + n(120),
      month: n(12),
      day: n(28),
    })),
    sex: r() < 0.5 ? Sex.SEX_MALE : Sex.SEX_UNSPECIFIED,
    identifiers: Array.from({ length: n(2) }, () => ({
      scheme: IdentifierScheme.IDENTIFIER_SCHEME_PNC,
      value: `ID${n(999)}`,
    })),
    onlineIdentifiers: [],
    addresses: Array.from({ length: n(2) }, () => ({
      line: word(),
      town: word(),
      postcode: 'NR1 1AA',
    })),
    registrations: [],
    handling: undefined,
    subjectCategories: [],
    sources: [],
    updatedAt: r() < 0.5 ? { seconds: n(1e9), nanos: 0 } : undefined,
  };
}

describe('headlineOf (a stored state’s first name and date of birth)', () => {
  it('given 2,000 generated states, then it reads what the full decode gives as names[0] and datesOfBirth[0]', () => {
    const r = rng(7);
    let withBoth = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = NominalState.encode(state(r, i)).finish();
      const decoded = NominalState.decode(bytes);
      const headline = headlineOf(bytes);
      expect(headline).toEqual({ name: decoded.names[0], dateOfBirth: decoded.datesOfBirth[0] });
      if (headline.name && headline.dateOfBirth) withBoth++;
    }
    expect(withBoth).toBeGreaterThan(500);
  });

  it('given a holding with stored details, then its headline and that it has details come without decoding the state', () => {
    const s = state(rng(3), 1);
    const bytes = NominalState.encode(s).finish();
    const base = {
      forceCode: '36',
      nominalId: 'N-1',
      disclosure: Disclosure.DISCLOSURE_FULL,
      contact: 'c',
    };
    const stored = holdingWithStoredDetails(base, bytes);
    const decode = jest.spyOn(NominalState, 'decode');
    expect(hasDetails(stored)).toBe(true);
    expect(holdingHeadline(stored)).toEqual({ name: s.names[0], dateOfBirth: s.datesOfBirth[0] });
    expect(decode).not.toHaveBeenCalled();
    decode.mockRestore();
    const plain: Holding = { ...base, details: s };
    expect(holdingHeadline(plain)).toEqual(holdingHeadline(stored));
    expect(hasDetails({ ...base, details: undefined })).toBe(false);
    expect(holdingHeadline({ ...base, details: undefined })).toBeUndefined();
  });
});
