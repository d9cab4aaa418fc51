import {
  Disclosure,
  PersonRecord,
  type Match,
  PurposeCode,
  type CheckIdentifiersRequest,
  type CheckPersonRequest,
} from '@intel/contracts';
import { validateCheckIdentifiers, validateCheckPerson } from '@intel/records';
import { Rng, type PersonRecordJson } from '@intel/synthetic';

/**
 * What a query in the mix asks about: a person in the index held by one force, by several (the
 * hub flags them CROSS_FORCE), one with a handling-code-C record, or someone not in the index.
 */
export type MixCategory =
  'one force' | 'several forces' | 'C-restricted record' | 'not in the index';

/** The query mix, the same at every index size: this many of each per RPC. */
export const QUERY_MIX: Readonly<Record<MixCategory, number>> = {
  'one force': 1000,
  'several forces': 400,
  'C-restricted record': 200,
  'not in the index': 400,
};

export const BENCH_JUSTIFICATION = {
  purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
  reason: 'benchmark: national index query load',
  operationRef: 'BENCH',
};

/** One record of a generated person as loaded into the index. */
export interface MixRecord {
  forceCode: string;
  record: PersonRecordJson;
  restricted: boolean;
}

/** The category of a person in the index, from its records. */
export function categoryOf(records: readonly MixRecord[]): MixCategory {
  if (records.some((r) => r.restricted)) return 'C-restricted record';
  return new Set(records.map((r) => r.forceCode)).size > 1 ? 'several forces' : 'one force';
}

/** A fixed-size uniform sample of a stream (Algorithm R), seeded: the same stream, the same sample. */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;

  constructor(
    private readonly size: number,
    private readonly rng: Rng,
  ) {}

  offer(x: T): void {
    if (this.items.length < this.size) this.items.push(x);
    else {
      const j = this.rng.int(this.seen + 1);
      if (j < this.size) this.items[j] = x;
    }
    this.seen++;
  }
}

export interface MixQuery<T> {
  category: MixCategory;
  request: T;
}

export interface QueryMix {
  checkPerson: MixQuery<CheckPersonRequest>[];
  checkIdentifiers: MixQuery<CheckIdentifiersRequest>[];
}

function checkPersonOf(json: PersonRecordJson): CheckPersonRequest | undefined {
  const r = PersonRecord.fromJSON(json);
  try {
    return validateCheckPerson({
      person: {
        names: r.names,
        dateOfBirth: r.dateOfBirth,
        sex: r.sex,
        identifiers: [],
        onlineIdentifiers: [],
        addresses: [],
      },
      justification: BENCH_JUSTIFICATION,
      maxResults: 10,
    });
  } catch {
    return undefined; // a generated record with a malformed date: not a query a force would send
  }
}

function checkIdentifiersOf(json: PersonRecordJson): CheckIdentifiersRequest | undefined {
  const oi = PersonRecord.fromJSON(json).onlineIdentifiers[0];
  if (!oi) return undefined;
  try {
    return validateCheckIdentifiers({
      onlineIdentifiers: [oi],
      justification: BENCH_JUSTIFICATION,
    });
  } catch {
    return undefined; // a malformed generated identifier
  }
}

/**
 * Builds the query mix while the population streams past, holding only its samples: per
 * category a seeded sample of persons (a quarter more than needed, as some generated records
 * make no valid query), then the first QUERY_MIX[category] valid queries of each. A query asks
 * with the person's C record when it has one, else with its first record.
 */
export class QueryMixBuilder {
  private readonly persons = new Map<MixCategory, Reservoir<PersonRecordJson>>();
  private readonly identified = new Map<MixCategory, Reservoir<PersonRecordJson>>();

  constructor(seed = 20_261_206) {
    const rng = new Rng(seed);
    for (const [c, n] of Object.entries(QUERY_MIX) as [MixCategory, number][]) {
      this.persons.set(c, new Reservoir(Math.ceil(n * 1.25), rng));
      this.identified.set(c, new Reservoir(Math.ceil(n * 1.25), rng));
    }
  }

  /** A person of the index (its records as loaded), or with `unknown` someone not in it. */
  add(records: readonly MixRecord[], unknown = false): void {
    const first = records[0];
    if (!first) return;
    const category = unknown ? 'not in the index' : categoryOf(records);
    const asked = records.find((r) => r.restricted) ?? first;
    this.persons.get(category)?.offer(asked.record);
    const withId = [asked, ...records].find((r) => (r.record.onlineIdentifiers ?? []).length > 0);
    if (withId) this.identified.get(category)?.offer(withId.record);
  }

  build(): QueryMix {
    const take = <T>(
      from: Map<MixCategory, Reservoir<PersonRecordJson>>,
      make: (r: PersonRecordJson) => T | undefined,
    ): MixQuery<T>[] =>
      [...from].flatMap(([category, sample]) =>
        sample.items
          .map(make)
          .filter((q): q is T => q !== undefined)
          .slice(0, QUERY_MIX[category])
          .map((request) => ({ category, request })),
      );
    return {
      checkPerson: interleave(take(this.persons, checkPersonOf)),
      checkIdentifiers: interleave(take(this.identified, checkIdentifiersOf)),
    };
  }
}

/** The queries spread so every stretch of the cycle has each category in its share. */
function interleave<T>(qs: MixQuery<T>[]): MixQuery<T>[] {
  const step = (k: number, n: number) => (k + 0.5) / n;
  const byCategory = new Map<MixCategory, MixQuery<T>[]>();
  for (const q of qs) {
    const list = byCategory.get(q.category) ?? [];
    list.push(q);
    byCategory.set(q.category, list);
  }
  return [...byCategory.values()]
    .flatMap((list) => list.map((q, k) => ({ q, at: step(k, list.length) })))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.q);
}

/** How many queries of each category a list holds. */
export function compositionOf<T>(qs: readonly MixQuery<T>[]): Record<MixCategory, number> {
  const out = Object.fromEntries(Object.keys(QUERY_MIX).map((c) => [c, 0])) as Record<
    MixCategory,
    number
  >;
  for (const q of qs) out[q.category]++;
  return out;
}

/** What the hub's answers to the mix held: matched, a flagged person, a C holder's hit. */
export interface AnswerTally {
  answered: number;
  withMatch: number;
  withFlaggedMatch: number;
  withRestrictedHolding: number;
}

export function emptyTally(): AnswerTally {
  return { answered: 0, withMatch: 0, withFlaggedMatch: 0, withRestrictedHolding: 0 };
}

/** Counts one answer's matches into `t`. */
export function tallyAnswer(t: AnswerTally, matches: readonly Match[]): void {
  t.answered++;
  if (matches.length > 0) t.withMatch++;
  if (matches.some((m) => m.flags.length > 0)) t.withFlaggedMatch++;
  if (matches.some((m) => m.holdings.some((h) => h.disclosure === Disclosure.DISCLOSURE_HIT_ONLY)))
    t.withRestrictedHolding++;
}
