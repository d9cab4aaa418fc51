import { randomUUID } from 'node:crypto';
import {
  IncidentCategory,
  IncidentOutcome,
  NameType,
  OnlineIdentifierKind,
  SubjectRole,
  type IncidentState,
  type NominalState,
} from '@intel/contracts';
import { bareNominal, lettersOnly } from '@intel/testing';

/** Fixtures of the match review tests: pairs the engine leaves POSSIBLE, and incidents. */

/** A family name no earlier run used (topics keep earlier runs' records). */
export const rareFamily = () => `Q${lettersOnly(randomUUID().replace(/-/g, '').slice(0, 10))}`;

/** A Discord username no earlier run used. */
export const rareUsername = () => `amb_${randomUUID().slice(0, 12)}`;

/**
 * A nominal named Ambrose `family` with a Discord username: two of them with the same family
 * name and different usernames share a name only, which the hub never links (POSSIBLE); the
 * same username corroborates the name, and they link.
 */
export function reviewNominal(
  family: string,
  usernames: string[],
  extra: Partial<NominalState> = {},
  version = 1,
): NominalState {
  return {
    ...bareNominal(randomUUID(), version, family),
    names: [{ given: ['Ambrose'], family, type: NameType.NAME_TYPE_BIRTH }],
    onlineIdentifiers: usernames.map((value) => ({
      kind: OnlineIdentifierKind.ONLINE_IDENTIFIER_KIND_USERNAME,
      platform: 'discord',
      value,
      observedAt: undefined,
    })),
    ...extra,
  };
}

/** An online-grooming incident with `subject` (a nominal id of the same force) as suspect. */
export function suspectIncident(subject: string): IncidentState {
  return {
    incidentId: randomUUID(),
    version: 1,
    category: IncidentCategory.INCIDENT_CATEGORY_ONLINE_GROOMING,
    offenceCodes: ['SX03224A'],
    occurredFrom: { seconds: 1_700_000_000, nanos: 0 },
    occurredTo: undefined,
    reportedAt: undefined,
    platforms: ['discord'],
    subjects: [{ nominalId: subject, role: SubjectRole.SUBJECT_ROLE_SUSPECT }],
    onlineIdentifiers: [],
    outcome: IncidentOutcome.INCIDENT_OUTCOME_ARRESTED,
    summary: 'Suspect arranged to meet a decoy persona',
    handling: undefined,
    immediateRiskToChild: false,
    sharedReference: '',
    victimCount: 1,
    source: undefined,
    updatedAt: undefined,
  };
}
