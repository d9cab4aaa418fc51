import type { IncidentRecord, IncidentState, PublishedSubject, Timestamp } from '@intel/contracts';
import { SubjectRole } from '@intel/contracts';

/** What the node knows about the person record an incident subject points at. */
export interface ResolvedSubject {
  nominalId: string;
  /** The person record is a victim record: it never leaves the force. */
  victimRecord: boolean;
}

export function subjectRefKey(sourceSystem: string, sourceRecordId: string): string {
  return `${sourceSystem}\u0000${sourceRecordId}`;
}

/**
 * The incident as published: subjects resolved to nominal ids; victims counted, never
 * identified (docs/domain.md, "What never enters the shared layer"). Pure.
 */
export function buildIncidentState(
  incidentId: string,
  version: number,
  record: IncidentRecord,
  resolve: (sourceSystem: string, sourceRecordId: string) => ResolvedSubject | undefined,
  updatedAt: Timestamp,
): IncidentState {
  const subjects: PublishedSubject[] = [];
  let victimCount = 0;
  for (const s of record.subjects) {
    const resolved = resolve(s.personSourceSystem || record.sourceSystem, s.personSourceRecordId);
    if (s.role === SubjectRole.SUBJECT_ROLE_VICTIM || resolved?.victimRecord) {
      victimCount += 1;
      continue;
    }
    subjects.push({ nominalId: resolved?.nominalId ?? '', role: s.role });
  }
  return {
    incidentId,
    version,
    category: record.category,
    offenceCodes: record.offenceCodes,
    occurredFrom: record.occurredFrom,
    occurredTo: record.occurredTo,
    reportedAt: record.reportedAt,
    platforms: record.platforms,
    subjects,
    onlineIdentifiers: record.onlineIdentifiers,
    outcome: record.outcome,
    summary: record.summary,
    handling: record.handling,
    immediateRiskToChild: record.immediateRiskToChild,
    sharedReference: record.sharedReference,
    victimCount,
    source: { sourceSystem: record.sourceSystem, sourceRecordId: record.sourceRecordId },
    updatedAt,
  };
}
