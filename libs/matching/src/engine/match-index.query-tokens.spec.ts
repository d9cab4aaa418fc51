import { generatePersons } from '@intel/synthetic';
import type { MatchInput } from '../model/match-input';
import { comparedValues } from '../normalise/compared-values';
import { normaliseRecord } from '../normalise/record.normaliser';
import { derivedTokenCount, tokenCount } from '../normalise/token-ids';
import { MatchEngine } from './match-engine';
import type { MatchIndex } from './match-index';

/**
 * A query (CheckPerson, an analyst's search, an explanation) must not grow the process: the texts
 * only it carries get transient ids, which neither the token table nor any memo keeps, and its
 * answers are those the old path gave, which interned them.
 */
describe('MatchIndex queries with texts the index does not hold', () => {
  const background = generatePersons({ persons: 300, seed: 11 }).map((g) => g.record);
  const engine = MatchEngine.train(background);
  const index: MatchIndex = engine.createIndex();
  background.forEach((r, i) => index.add(`bg${i}`, r));
  const ids = background.map((_, i) => `bg${i}`);
  // Every pair of held records compared once: the memos hold what the held records' own
  // comparisons put there (derived forms of held identifiers and handles), whatever a query
  // then makes the comparator read.
  for (const a of ids) for (const b of ids) index.compare(a, b);

  /** Letters only (names are folded to letters), unique per n: never a held text. */
  const novel = (n: number): string => {
    let s = '';
    for (let k = n + 26 * 26; k > 0; k = Math.floor(k / 26))
      s += String.fromCharCode(97 + (k % 26));
    return `zq${s}`;
  };

  /** A misspelling: one letter of `name` after its first replaced by a rare pair. */
  const misspell = (name: string, n: number): string => {
    if (name.length < 3) return `${name}${novel(n)}`;
    const at = 1 + (n % (name.length - 1));
    return `${name.slice(0, at)}${n % 2 === 0 ? 'qx' : 'xq'}${name.slice(at + 1)}`;
  };

  /**
   * Record i with every compared text a query can carry made novel: its names misspelt (near the
   * held ones: Jaro-Winkler must still link them), its streets, towns, identifiers and online
   * identifiers replaced by texts nothing holds.
   */
  const novelQuery = (i: number, run: number): MatchInput => {
    const r = background[i % background.length] as MatchInput;
    const n = i * 7 + run * 100_000;
    return {
      ...r,
      names: r.names.map((nm, k) => ({
        ...nm,
        given: (nm.given ?? []).map((g, j) => misspell(g, n + k + j)),
        family: misspell(nm.family ?? '', n + k + 3),
      })),
      addresses: (r.addresses ?? []).map((a, k) => ({
        ...a,
        line: `${k + 1} ${novel(n + k)} road`,
        town: novel(n + k + 11),
      })),
      identifiers: [
        { scheme: 'IDENTIFIER_SCHEME_PNC', value: `19${String(n % 100).padStart(2, '0')}/${n}Z` },
      ],
      onlineIdentifiers: [
        {
          kind: 'ONLINE_IDENTIFIER_KIND_EMAIL',
          platform: '',
          value: `${novel(n + 5)}@example.org`,
        },
      ],
    };
  };

  const answers = (q: MatchInput): string =>
    JSON.stringify({
      query: index.query(q, ['bg1', 'bg2']),
      match: index.match(q, 50),
      among: index.matchAmong(q, ids.slice(0, 40)),
      candidates: index.candidates(q).sort(),
      values: comparedValues(q),
    });

  it('leave the token table and the memos as they were, and answer as the interning path', () => {
    const queries = Array.from({ length: 120 }, (_, i) => novelQuery(i, 1));
    const before = {
      tokens: tokenCount(),
      derived: derivedTokenCount(),
      jw: engine.comparator.jw.memoised,
    };
    const got = queries.map(answers);
    // Again: still nothing held, and the same answers (no transient id outlived its query).
    expect(queries.map(answers)).toEqual(got);
    expect({
      tokens: tokenCount(),
      derived: derivedTokenCount(),
      jw: engine.comparator.jw.memoised,
    }).toEqual(before);

    // The old path: every query's texts interned first (as normalising it used to), so the
    // same queries then meet only held ids. Their answers must be the same.
    for (const q of queries) normaliseRecord(q);
    expect(tokenCount()).toBeGreaterThan(before.tokens);
    expect(queries.map(answers)).toEqual(got);
  });

  it('still match a misspelt name to the held record by Jaro-Winkler', () => {
    let found = 0;
    let byJaroWinkler = 0;
    for (let i = 0; i < 60; i++) {
      const held = background[i] as MatchInput;
      const q = { ...novelQuery(i, 2), identifiers: held.identifiers ?? [] };
      const tokens = tokenCount();
      const hit = index.match(q, 20).find((c) => c.id === `bg${i}`);
      expect(tokenCount()).toBe(tokens);
      if (hit === undefined) continue;
      found++;
      const family = hit.explanation.find((e) => e.field === 'family')?.level ?? '';
      // Never exact: the query's family name is novel.
      expect(family).not.toBe('exact');
      if (family.startsWith('jaro-winkler')) byJaroWinkler++;
    }
    // Most are found despite the misspelt names, new address and new e-mail, and the misspelt
    // family names agree by Jaro-Winkler (compared by text: the query's ids are transient).
    expect(found).toBeGreaterThan(30);
    expect(byJaroWinkler).toBeGreaterThan(20);
  });
});
