import { buildSearch, type SearchForm } from './search-query';

const empty: SearchForm = {
  given: '',
  family: '',
  dateOfBirth: '',
  pnc: '',
  cro: '',
  onlineKind: 'USERNAME',
  onlineValue: '',
  platform: '',
};

describe('the search form as a searchPersons body', () => {
  it('keeps only what was given, trimmed', () => {
    expect(
      buildSearch({ ...empty, given: ' William ', family: 'Hendry', dateOfBirth: '1979-03-14' }),
    ).toEqual({
      ok: true,
      body: {
        maxResults: 20,
        names: [{ given: 'William', family: 'Hendry' }],
        dateOfBirth: '1979-03-14',
      },
    });
    expect(buildSearch({ ...empty, pnc: '1979/0123456t' })).toEqual({
      ok: true,
      body: { maxResults: 20, pnc: '1979/0123456T' },
    });
  });

  it('an online identifier with its platform', () => {
    const r = buildSearch({ ...empty, onlineValue: 'billy_h79', platform: 'discord' });
    expect(r).toEqual({
      ok: true,
      body: {
        maxResults: 20,
        onlineIdentifiers: [{ kind: 'USERNAME', value: 'billy_h79', platform: 'discord' }],
      },
    });
    expect(buildSearch({ ...empty, onlineValue: 'billy_h79' })).toMatchObject({
      ok: false,
      field: 'platform',
    });
    expect(
      buildSearch({ ...empty, onlineKind: 'PHONE', onlineValue: '+447911100123' }),
    ).toMatchObject({ ok: true });
  });

  it('refuses an empty search and a malformed date before asking the hub', () => {
    expect(buildSearch(empty)).toMatchObject({ ok: false });
    expect(buildSearch({ ...empty, family: 'Hendry', dateOfBirth: '14/03/1979' })).toMatchObject({
      ok: false,
      field: 'dateOfBirth',
    });
    expect(buildSearch({ ...empty, dateOfBirth: '1979-03' })).toMatchObject({ ok: true });
  });
});
