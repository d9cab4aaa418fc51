import { SubjectRole, type IncidentSubject } from '@intel/contracts';
import { incidentRecord } from '@intel/testing';
import { buildIncidentState, subjectRefKey, type ResolvedSubject } from './incident-state';

const UPDATED_AT = { seconds: 1_750_000_000, nanos: 0 };

const subject = (
  personSourceRecordId: string,
  role: SubjectRole,
  personSourceSystem = '',
): IncidentSubject => ({ personSourceRecordId, role, personSourceSystem });

/** A lookup over known person records, keyed as the repository keys them. */
function lookup(entries: Array<[system: string, id: string, resolved: ResolvedSubject]>) {
  const map = new Map(entries.map(([s, r, v]) => [subjectRefKey(s, r), v]));
  const calls: Array<[string, string]> = [];
  const resolve = (s: string, r: string) => {
    calls.push([s, r]);
    return map.get(subjectRefKey(s, r));
  };
  return { resolve, calls };
}

const suspectRecord = (nominalId: string): ResolvedSubject => ({ nominalId, victimRecord: false });
const victimRecord = (nominalId: string): ResolvedSubject => ({ nominalId, victimRecord: true });

describe('subjectRefKey', () => {
  it('given different splits of the same characters, then the keys differ', () => {
    expect(subjectRefKey('ab', 'c')).not.toBe(subjectRefKey('a', 'bc'));
    expect(subjectRefKey('niche', 'P1')).toBe(subjectRefKey('niche', 'P1'));
  });
});

describe('buildIncidentState', () => {
  it('given suspects and offenders, then they are published by nominal id with their roles', () => {
    const record = incidentRecord({
      sourceRecordId: 'I1',
      subjects: [
        subject('P1', SubjectRole.SUBJECT_ROLE_SUSPECT),
        subject('P2', SubjectRole.SUBJECT_ROLE_OFFENDER),
      ],
    });
    const { resolve } = lookup([
      ['niche-rms', 'P1', suspectRecord('N1')],
      ['niche-rms', 'P2', suspectRecord('N2')],
    ]);

    const state = buildIncidentState('INC-1', 2, record, resolve, UPDATED_AT);

    expect(state.subjects).toEqual([
      { nominalId: 'N1', role: SubjectRole.SUBJECT_ROLE_SUSPECT },
      { nominalId: 'N2', role: SubjectRole.SUBJECT_ROLE_OFFENDER },
    ]);
    expect(state.victimCount).toBe(0);
  });

  it('given a subject in the VICTIM role, then it is counted, not identified', () => {
    const record = incidentRecord({
      sourceRecordId: 'I1',
      subjects: [
        subject('P1', SubjectRole.SUBJECT_ROLE_SUSPECT),
        subject('V1', SubjectRole.SUBJECT_ROLE_VICTIM),
      ],
    });
    const { resolve } = lookup([
      ['niche-rms', 'P1', suspectRecord('N1')],
      ['niche-rms', 'V1', suspectRecord('N-VICTIM')],
    ]);

    const state = buildIncidentState('INC-1', 1, record, resolve, UPDATED_AT);

    expect(state.victimCount).toBe(1);
    expect(state.subjects).toEqual([{ nominalId: 'N1', role: SubjectRole.SUBJECT_ROLE_SUSPECT }]);
    expect(JSON.stringify(state)).not.toContain('N-VICTIM');
  });

  it('given a subject whose person record is a victim record, then it is counted as a victim whatever its role', () => {
    const record = incidentRecord({
      sourceRecordId: 'I1',
      subjects: [
        subject('V1', SubjectRole.SUBJECT_ROLE_WITNESS),
        subject('V2', SubjectRole.SUBJECT_ROLE_VICTIM),
      ],
    });
    const { resolve } = lookup([
      ['niche-rms', 'V1', victimRecord('N-V1')],
      ['niche-rms', 'V2', victimRecord('N-V2')],
    ]);

    const state = buildIncidentState('INC-1', 1, record, resolve, UPDATED_AT);

    expect(state.victimCount).toBe(2);
    expect(state.subjects).toEqual([]);
    expect(JSON.stringify(state)).not.toMatch(/N-V1|N-V2|V1|V2/);
  });

  it("given a subject without its own source system, then it is resolved in the incident's", () => {
    const record = incidentRecord({
      sourceSystem: 'athena',
      sourceRecordId: 'I1',
      subjects: [
        subject('P1', SubjectRole.SUBJECT_ROLE_SUSPECT),
        subject('P2', SubjectRole.SUBJECT_ROLE_ASSOCIATE, 'pnd-feed'),
      ],
    });
    const { resolve, calls } = lookup([
      ['athena', 'P1', suspectRecord('N1')],
      ['pnd-feed', 'P2', suspectRecord('N2')],
    ]);

    const state = buildIncidentState('INC-1', 1, record, resolve, UPDATED_AT);

    expect(calls).toEqual([
      ['athena', 'P1'],
      ['pnd-feed', 'P2'],
    ]);
    expect(state.subjects.map((s) => s.nominalId)).toEqual(['N1', 'N2']);
  });

  it('given a subject whose person record is not known yet, then it is published without a nominal id', () => {
    const record = incidentRecord({
      sourceRecordId: 'I1',
      subjects: [subject('P404', SubjectRole.SUBJECT_ROLE_SUSPECT)],
    });

    const state = buildIncidentState('INC-1', 1, record, lookup([]).resolve, UPDATED_AT);

    expect(state.subjects).toEqual([{ nominalId: '', role: SubjectRole.SUBJECT_ROLE_SUSPECT }]);
    expect(state.victimCount).toBe(0);
  });

  it('then the incident content, id, version, source and time are carried over', () => {
    const record = incidentRecord({
      sourceRecordId: 'I1',
      occurredTo: { seconds: 1_700_086_400, nanos: 0 },
      reportedAt: { seconds: 1_700_100_000, nanos: 0 },
      immediateRiskToChild: true,
      sharedReference: 'OP-KESTREL',
    });

    const state = buildIncidentState('INC-1', 7, record, lookup([]).resolve, UPDATED_AT);

    expect(state).toEqual({
      incidentId: 'INC-1',
      version: 7,
      category: record.category,
      offenceCodes: record.offenceCodes,
      occurredFrom: record.occurredFrom,
      occurredTo: record.occurredTo,
      reportedAt: record.reportedAt,
      platforms: record.platforms,
      subjects: [],
      onlineIdentifiers: record.onlineIdentifiers,
      outcome: record.outcome,
      summary: record.summary,
      handling: record.handling,
      immediateRiskToChild: true,
      sharedReference: 'OP-KESTREL',
      victimCount: 0,
      source: { sourceSystem: 'niche-rms', sourceRecordId: 'I1' },
      updatedAt: UPDATED_AT,
    });
  });
});
