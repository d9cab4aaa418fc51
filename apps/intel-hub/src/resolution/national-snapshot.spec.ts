import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NameType,
  NominalState,
  OnlineIdentifierKind,
  Sex,
  type PersonQuery,
} from '@intel/contracts';
import { MatchEngine, priorParameters } from '@intel/matching';
import { bareNominal, handlingP } from '@intel/testing';
import { memberKey, type MemberKey } from './member-key';
import { NationalIndex } from './national-index';
import {
  loadNationalSnapshot,
  NATIONAL_FILE,
  SnapshotRefused,
  writeNationalSnapshot,
  type SnapshotRefusal,
} from './national-snapshot';
import type { ViewFlag } from '../flags/view-flags.repository';

const GIVEN = ['William', 'Bill', 'Mary', 'Marie', 'John', 'Jon', 'Aisha', 'Ayesha'];
const FAMILY = ['Hendry', 'Hendrie', 'Jones', 'Jonas', 'Khan', 'Kahn'];

function state(i: number, version = 1): NominalState {
  return {
    ...bareNominal(`n${i}`, version, FAMILY[i % 6] as string),
    names: [
      {
        given: [GIVEN[i % 8] as string],
        family: FAMILY[i % 6] as string,
        type: NameType.NAME_TYPE_BIRTH,
      },
    ],
    datesOfBirth: [{ year: 1970 + (i % 5), month: 3, day: 14 }],
    sex: i % 2 ? Sex.SEX_MALE : Sex.SEX_FEMALE,
    onlineIdentifiers: [
      {
        kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_EMAIL,
        platform: '',
        value: `p${i % 7}@example.org`,
        observedAt: undefined,
      },
    ],
    handling: handlingP(),
  };
}

const flag = (reason: string): ViewFlag => ({
  type: 'FLAG_TYPE_VIOLENCE' as ViewFlag['type'],
  reason,
  evidence: [{ forceCode: '36', entity: 'incident', id: 'i1' }],
  raisedAt: new Date('2026-01-02T03:04:05Z'),
});

const query = (i: number): PersonQuery => ({
  names: state(i).names,
  dateOfBirth: state(i).datesOfBirth[0],
  sex: state(i).sex,
  identifiers: [],
  onlineIdentifiers: state(i).onlineIdentifiers,
  addresses: [],
});

/** An index with states replaced and removed (dead arena bytes), persons, flags. */
function populated(engine: MatchEngine): { index: NationalIndex; keys: MemberKey[] } {
  const index = new NationalIndex(engine, { stateChunkBytes: 2048 });
  const keys: MemberKey[] = [];
  for (let i = 0; i < 60; i++) {
    const key = memberKey(i % 3 ? '36' : '01', `n${i}`);
    keys.push(key);
    index.upsertNominal(key, state(i));
    index.setMembership(`p-${i % 20}`, i % 20, key);
  }
  for (let i = 0; i < 60; i += 4) index.upsertNominal(keys[i] as MemberKey, state(i, 2));
  for (let i = 1; i < 60; i += 9) index.removeNominal(keys[i] as MemberKey);
  index.setFlags('p-1', new Map([['', [flag('public')]]]));
  index.setFlags(
    'p-2',
    new Map([
      ['', [flag('public')]],
      ['01', [flag('owner')]],
    ]),
  );
  return { index, keys };
}

/** Everything a query or a resolution reads of an index. */
function answers(index: NationalIndex, keys: MemberKey[]) {
  return {
    nominals: index.nominalCount,
    persons: index.personCount,
    members: keys.map((k) => [
      k,
      index.personOfMember(k),
      index.membersOf(index.personOfMember(k) ?? ''),
      index.ageOf(index.personOfMember(k) ?? ''),
      index.storedState(k),
      index.matching.clusterOf(k),
    ]),
    flags: ['p-1', 'p-2', 'p-3'].map((p) => [index.flagsFor(p, '36'), index.flagsFor(p, '01')]),
    holders: [0, 1, 2, 3, 4, 5, 6].map((i) => index.holdersOf(`email:p${i}@example.org`).sort()),
    links: [...index.matching.links()],
    checks: [0, 5, 10, 33].map((i) => index.check(query(i), 10)),
  };
}

/** A watermark as the database gives it. */
const at = (seq: number) => ({ seq, committedAt: `2026-12-06 19:00:0${seq % 10}+00` });

describe('national index snapshot', () => {
  const engine = MatchEngine.withPriors();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'national-snapshot-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const refusal = async (
    from: MatchEngine,
    watermark: number,
  ): Promise<SnapshotRefusal | undefined> => {
    try {
      await loadNationalSnapshot(dir, from, watermark);
      return undefined;
    } catch (e) {
      if (!(e instanceof SnapshotRefused)) throw e;
      return e.reason;
    }
  };

  it('given an index written, then the one loaded answers as it does, and goes on changing as it would', async () => {
    const { index, keys } = populated(engine);
    await writeNationalSnapshot(dir, index, at(7));
    const { index: loaded, watermark } = await loadNationalSnapshot(dir, engine, 9);
    expect(watermark).toBe(7);
    expect(answers(loaded, keys)).toEqual(answers(index, keys));
    // The same changes afterwards: the same index (handles, arena, persons go on alike).
    for (const ix of [index, loaded]) {
      ix.upsertNominal(memberKey('46', 'new'), state(61));
      ix.upsertNominal(keys[0] as MemberKey, state(0, 3));
      ix.removeNominal(keys[2] as MemberKey);
      ix.setMembership('p-9', 9, memberKey('46', 'new'));
    }
    const more = [...keys, memberKey('46', 'new')];
    expect(answers(loaded, more)).toEqual(answers(index, more));
  });

  it('given no snapshot, a database behind it, other parameters, then it is refused saying why', async () => {
    expect(await refusal(engine, 7)).toBe('missing');
    await writeNationalSnapshot(dir, populated(engine).index, at(7));
    expect(await refusal(engine, 6)).toBe('watermark');
    expect(await refusal(engine, 8)).toBeUndefined();
    const other = MatchEngine.fromParameters({ ...priorParameters(), lambda: 0.001 });
    expect(await refusal(other, 7)).toBe('foreign');
    expect(await refusal(engine, 7)).toBeUndefined();
  });

  it('given a file cut short or a byte changed, then it is refused as truncated or by its checksum', async () => {
    await writeNationalSnapshot(dir, populated(engine).index, at(7));
    const path = join(dir, NATIONAL_FILE);
    const whole = readFileSync(path);
    const bytes = Buffer.from(whole);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = (bytes[mid] as number) ^ 0xff;
    writeFileSync(path, bytes);
    expect(await refusal(engine, 7)).toBe('checksum');
    writeFileSync(path, whole);
    truncateSync(path, whole.length - 10);
    expect(await refusal(engine, 7)).toBe('truncated');
    writeFileSync(path, whole);
    const match = readdirSync(dir).find((f) => f.startsWith('match-')) as string;
    truncateSync(join(dir, match), 1000);
    expect(await refusal(engine, 7)).toBe('truncated');
    rmSync(join(dir, match));
    expect(await refusal(engine, 7)).toBe('missing');
  });

  it('given a second snapshot written, then only its files are left', async () => {
    const { index } = populated(engine);
    const first = await writeNationalSnapshot(dir, index, at(7));
    writeFileSync(join(dir, `${first.matchFile}.tmp-999999`), 'killed midway');
    const second = await writeNationalSnapshot(dir, index, at(8));
    expect(readdirSync(dir).sort()).toEqual([second.matchFile, NATIONAL_FILE].sort());
    expect(await refusal(engine, 8)).toBeUndefined();
  });

  it('given a directory not there yet, then it is made readable by the hub alone', async () => {
    const fresh = join(dir, 'made', 'here');
    await writeNationalSnapshot(fresh, populated(engine).index, at(7));
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    expect(statSync(join(fresh, NATIONAL_FILE)).mode & 0o777).toBe(0o600);
  });
});
