import { IncidentState, NominalState, SubjectRole } from '@intel/contracts';
import { pncCheckLetter } from '@intel/identifiers';
import type { IncidentView, MemberView } from '../src/flags/derive-flags';

/** Fixtures for the explanation, network and export specs: a nominal and an incident. */
export interface MemberOptions {
  code?: 'P' | 'C';
  given?: string;
  family?: string;
  dob?: { year: number; month?: number; day?: number };
  phone?: string;
  /** A username on Discord. */
  username?: string;
  pncSerial?: number;
}

export function member(forceCode: string, nominalId: string, o: MemberOptions = {}): MemberView {
  const state = NominalState.fromJSON({
    nominalId,
    version: 1,
    names: [
      { given: [o.given ?? 'William'], family: o.family ?? 'Hendry', type: 'NAME_TYPE_BIRTH' },
    ],
    datesOfBirth: [o.dob ?? { year: 1979, month: 3, day: 14 }],
    sex: 'SEX_MALE',
    identifiers: o.pncSerial ? [{ scheme: 'IDENTIFIER_SCHEME_PNC', value: pnc(o.pncSerial) }] : [],
    onlineIdentifiers: [
      ...(o.phone ? [{ kind: 'ONLINE_IDENTIFIER_KIND_PHONE', value: o.phone }] : []),
      ...(o.username
        ? [{ kind: 'ONLINE_IDENTIFIER_KIND_USERNAME', platform: 'Discord', value: o.username }]
        : []),
    ],
    handling: handling(o.code ?? 'P'),
  });
  return { forceCode, nominalId, state };
}

export function incidentOn(
  subject: MemberView,
  forceCode: string,
  incidentId: string,
  code: 'P' | 'C' = 'P',
): IncidentView & { subject: { forceCode: string; nominalId: string } } {
  const state = IncidentState.fromJSON({
    incidentId,
    version: 1,
    category: 'INCIDENT_CATEGORY_ONLINE_GROOMING',
    occurredFrom: '2025-06-01T00:00:00Z',
    summary: 'Arranged to meet a decoy persona',
    handling: handling(code),
  });
  return {
    forceCode,
    incidentId,
    state,
    roles: [SubjectRole.SUBJECT_ROLE_SUSPECT],
    subject: { forceCode: subject.forceCode, nominalId: subject.nominalId },
  };
}

function handling(code: 'P' | 'C') {
  return code === 'C'
    ? { handlingCode: 'HANDLING_CODE_C', handlingConditions: 'Covert source: FIB inspector only' }
    : { handlingCode: 'HANDLING_CODE_P' };
}

/** A valid 1979 PNC ID for a serial. */
export function pnc(serial: number): string {
  return `1979/${String(serial).padStart(7, '0')}${pncCheckLetter(79, serial)}`;
}
