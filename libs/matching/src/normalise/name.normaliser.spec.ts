import {
  areNicknameEquivalent,
  foldText,
  nicknameGroups,
  normaliseFamilyName,
  normaliseGivenNames,
  phoneticCode,
} from './name.normaliser';

describe('name normaliser', () => {
  it('folds case, accents and punctuation', () => {
    expect(foldText('  ZOË  ')).toBe('zoe');
    expect(foldText('Siobhán')).toBe('siobhan');
    expect(foldText("O'Brien")).toBe('obrien');
    expect(foldText('Smith-Jones')).toBe('smith jones');
  });

  it('drops titles from given names but keeps real names', () => {
    expect(normaliseGivenNames(['Mr', 'John'])).toEqual(['john']);
    expect(normaliseGivenNames(['Sir John Paul'])).toEqual(['john', 'paul']);
    expect(normaliseGivenNames(['Sir'])).toEqual([]);
  });

  it('splits hyphenated and double-barrelled family names into parts', () => {
    expect(normaliseFamilyName('Smith-Jones')).toEqual({
      full: 'smithjones',
      parts: ['smith', 'jones'],
    });
    expect(normaliseFamilyName('Bowes Lyon')).toEqual({
      full: 'boweslyon',
      parts: ['bowes', 'lyon'],
    });
    expect(normaliseFamilyName('van der Berg').full).toBe('vanderberg');
    expect(normaliseFamilyName("O'Connor").parts).toEqual(['oconnor']);
    // A title that is also a surname is kept alone in the family-name field.
    expect(normaliseFamilyName('Baronet').full).toBe('baronet');
    expect(normaliseFamilyName('Smith Bt').full).toBe('smith');
  });

  it('drops a form of address alone in the family-name field, but not a title that is a surname', () => {
    // "PIDWICK, Miss": the names swapped with the title among them.
    expect(normaliseFamilyName('Miss')).toEqual({ full: '', parts: [] });
    expect(normaliseFamilyName('MRS').full).toBe('');
    expect(normaliseFamilyName('Lord').full).toBe('lord');
    expect(normaliseFamilyName('Master').full).toBe('master');
  });

  it('gives sound-alike names the same Double Metaphone code', () => {
    expect(phoneticCode('smith')).toBe(phoneticCode('smyth'));
    expect(phoneticCode('catherine')).toBe(phoneticCode('kathryn'));
    expect(phoneticCode('jones')).not.toBe(phoneticCode('smith'));
  });

  it('knows nickname equivalence from the maintained list', () => {
    expect(areNicknameEquivalent('william', 'bill')).toBe(true);
    expect(areNicknameEquivalent('will', 'william')).toBe(true);
    expect(areNicknameEquivalent('margaret', 'peggy')).toBe(true);
    expect(areNicknameEquivalent('maggie', 'margaret')).toBe(true);
    expect(areNicknameEquivalent('robert', 'bob')).toBe(true);
    expect(areNicknameEquivalent('william', 'robert')).toBe(false);
    expect(nicknameGroups('al').length).toBeGreaterThan(2);
    expect(nicknameGroups('zebedee')).toEqual([]);
  });
});
