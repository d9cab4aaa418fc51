import {
  FlagType,
  HandlingCode,
  SubjectRole,
  type IncidentState,
  type NominalState,
} from '@intel/contracts';
import { deriveFlags, type IncidentView, type MemberView } from './derive-flags';

const today = new Date('2026-11-28T00:00:00Z');

function member(forceCode: string, id: string, registered?: string, ended?: number): MemberView {
  return {
    forceCode,
    nominalId: id,
    state: {
      registrations: registered
        ? [
            {
              active: true,
              managingForce: registered,
              startDate: undefined,
              endDate: ended ? { year: ended, month: 1, day: 1 } : undefined,
              visorRef: '',
            },
          ]
        : [],
      handling: { handlingCode: HandlingCode.HANDLING_CODE_P },
    } as unknown as NominalState,
  };
}

function incident(
  forceCode: string,
  id: string,
  shared = '',
  role = SubjectRole.SUBJECT_ROLE_SUSPECT,
): IncidentView {
  return {
    forceCode,
    incidentId: id,
    state: { sharedReference: shared } as IncidentState,
    roles: [role],
  };
}

const types = (f: ReturnType<typeof deriveFlags>) => f.map((x) => x.type).sort();

describe('deriveFlags', () => {
  it('the pilot: registered in 36, incidents in 01 and 46, records in three forces', () => {
    const f = deriveFlags(
      [member('36', 'n1', '36'), member('01', 'n2'), member('46', 'n3')],
      [incident('01', 'i1'), incident('46', 'i2')],
      today,
    );
    expect(types(f)).toEqual(
      [
        FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
        FlagType.FLAG_TYPE_REPEAT_OFFENDER,
        FlagType.FLAG_TYPE_CROSS_FORCE,
        FlagType.FLAG_TYPE_RSO_OUT_OF_AREA,
      ].sort(),
    );
    const out = f.find((x) => x.type === FlagType.FLAG_TYPE_RSO_OUT_OF_AREA)!;
    expect(out.evidence.map((e) => `${e.entity}:${e.forceCode}`)).toEqual([
      'nominal:36',
      'incident:01',
      'incident:46',
    ]);
  });

  it('one incident published by two forces (shared reference) counts once', () => {
    const f = deriveFlags(
      [member('01', 'n2'), member('46', 'n3')],
      [incident('01', 'i1', 'OP-X/1'), incident('46', 'i9', ' op-x/1 ')],
      today,
    );
    expect(types(f)).toEqual([FlagType.FLAG_TYPE_CROSS_FORCE]);
  });

  it('victims and witnesses do not make a repeat offender', () => {
    const f = deriveFlags(
      [member('01', 'n2')],
      [incident('01', 'a'), incident('01', 'b', '', SubjectRole.SUBJECT_ROLE_WITNESS)],
      today,
    );
    expect(types(f)).toEqual([]);
  });

  it('an ended registration is not active; an incident in the managing area is not out of area', () => {
    expect(types(deriveFlags([member('36', 'n1', '36', 2020)], [], today))).toEqual([]);
    expect(types(deriveFlags([member('36', 'n1', '36')], [incident('36', 'i')], today))).toEqual([
      FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
    ]);
  });
});
