import {
  normaliseIdentifiers,
  normaliseOnlineIdentifiers,
  normalisePostcodeForMatching,
  normaliserMemoSize,
  withNormaliserMemos,
} from './identifier.normaliser';

describe('identifier normaliser', () => {
  it('puts PNC IDs in canonical form and flags a failed check letter', () => {
    const ids = normaliseIdentifiers([
      { scheme: 'IDENTIFIER_SCHEME_PNC', value: '79/163001B' },
      { scheme: 'IDENTIFIER_SCHEME_PNC', value: '2001/0171310S' },
    ]);
    expect(ids.custody[0]).toMatchObject({ scheme: 'PNC', value: '1979/0163001B', valid: true });
    expect(ids.custody[1]).toMatchObject({ scheme: 'PNC', value: '20010171310S', valid: false });
  });

  it('treats national identifiers as compact text and ignores force URNs', () => {
    const ids = normaliseIdentifiers([
      { scheme: 'IDENTIFIER_SCHEME_NINO', value: 'qq 12 34 56 c' },
      { scheme: 'IDENTIFIER_SCHEME_FORCE_URN', value: '36-123' },
    ]);
    expect(ids.national).toEqual([expect.objectContaining({ scheme: 'NINO', value: 'QQ123456C' })]);
    expect(ids.custody).toEqual([]);
  });

  it('normalises phones to E.164, e-mails and platform-scoped usernames', () => {
    const online = normaliseOnlineIdentifiers([
      { kind: 'ONLINE_IDENTIFIER_KIND_PHONE', platform: '', value: '07700 900123' },
      { kind: 'ONLINE_IDENTIFIER_KIND_EMAIL', platform: '', value: ' Jo.Bloggs@Example.com ' },
      { kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'Snapchat', value: '@JoB' },
      { kind: 'ONLINE_IDENTIFIER_KIND_IP_ADDRESS', platform: '', value: '192.0.2.1' },
      { kind: 'ONLINE_IDENTIFIER_KIND_PHONE', platform: '', value: 'not a phone' },
    ]);
    expect(online).toContain('PHONE:+447700900123');
    expect(online).toContain('EMAIL:jo.bloggs@example.com');
    expect(online.some((o) => o.startsWith('USERNAME:snapchat:'))).toBe(true);
    expect(online).toHaveLength(3);
  });

  it('normalises UK postcodes with their sector and keeps other codes as text', () => {
    expect(normalisePostcodeForMatching('nr13qf')).toEqual({ value: 'NR1 3QF', sector: 'NR1 3' });
    expect(normalisePostcodeForMatching('4011')).toEqual({ value: '4011', sector: '' });
    expect(normalisePostcodeForMatching('  ')).toBeUndefined();
  });

  it('keeps its memos only while a batch runs, and gives the same answers either way', () => {
    const phone = [{ kind: 'ONLINE_IDENTIFIER_KIND_PHONE', platform: '', value: '07700 900123' }];
    const alone = normaliseOnlineIdentifiers(phone);
    normalisePostcodeForMatching('nr1 3qf');
    expect(normaliserMemoSize()).toBe(0);
    const inBatch = withNormaliserMemos(() => {
      const first = normaliseOnlineIdentifiers(phone);
      // Nested batches share the outer one's memos.
      withNormaliserMemos(() => normalisePostcodeForMatching('nr1 3qf'));
      expect(normaliserMemoSize()).toBe(2);
      expect(normaliseOnlineIdentifiers(phone)).toEqual(first);
      return first;
    });
    expect(inBatch).toEqual(alone);
    expect(normaliserMemoSize()).toBe(0);
    expect(() =>
      withNormaliserMemos(() => {
        normalisePostcodeForMatching('nr1 3qf');
        throw new Error('batch failed');
      }),
    ).toThrow('batch failed');
    expect(normaliserMemoSize()).toBe(0);
  });
});
