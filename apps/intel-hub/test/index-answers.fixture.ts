import type { Client } from 'pg';
import type { NominalState, PersonQuery } from '@intel/contracts';
import { generatePersons } from '@intel/synthetic';
import { generatedNominal } from '@intel/testing';
import { identifierKeysOf } from '../src/resolution/exact-identifiers';
import { memberKey } from '../src/resolution/member-key';
import type { NationalIndex } from '../src/resolution/national-index';

/** A generated population's records as force nominals (`<prefix><n>`), handling code P. */
export function generatedNominals(
  persons: number,
  seed: number,
  prefix: string,
): { force: string; state: NominalState }[] {
  return generatePersons({ persons, forces: 4, seed }).map((g, n) => ({
    force: g.forceCode,
    state: generatedNominal(g, `${prefix}${n}`),
  }));
}

/** A nominal as a CheckPerson query would give it. */
export const asQuery = (s: NominalState): PersonQuery => ({
  names: s.names,
  dateOfBirth: s.datesOfBirth[0],
  sex: s.sex,
  identifiers: s.identifiers,
  onlineIdentifiers: s.onlineIdentifiers,
  addresses: s.addresses,
});

/**
 * Everything a hub answers from: its database's persons, links and flags, and the index's
 * persons, flags, identifier holders and CheckPerson candidates for the first 60 nominals (ties
 * in score in id order: an index loaded from the database files records in another order than
 * one that grew). Two hubs whose answers are equal answer alike.
 */
export async function indexAnswers(
  db: Client,
  index: NationalIndex | undefined,
  nominals: readonly { force: string; state: NominalState }[],
) {
  if (!index) throw new Error('no index');
  const rows = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows;
  const keys = nominals.map((n) => memberKey(n.force, n.state.nominalId));
  return {
    members: await rows(
      `SELECT person_id, force_code, nominal_id FROM person_member ORDER BY 2, 3`,
    ),
    links: await rows(`SELECT member_a, member_b, score FROM person_link ORDER BY 1, 2`),
    flags: await rows(`SELECT person_id, viewer, flag_type FROM person_flag_view ORDER BY 1, 2, 3`),
    nominals: index.nominalCount,
    persons: index.personCount,
    index: keys.map((k) => {
      const p = index.personOfMember(k);
      return [
        k,
        p,
        p && index.membersOf(p).sort(),
        p && index.flagsFor(p, '01'),
        index.storedState(k),
      ];
    }),
    holders: nominals
      .flatMap((n) => identifierKeysOf(n.state))
      .map((k) => index.holdersOf(k).sort()),
    checks: nominals.slice(0, 60).map((n) =>
      index
        .check(asQuery(n.state), 10)
        .map((c) => ({ id: c.id, score: c.score, band: c.band }))
        .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1)),
    ),
  };
}
