import { timestampFromDate } from '@intel/contracts';
import type { Sql } from '@intel/db';
import { incidentUpserted, type OutboxMessage } from '../outbox/outbox-message';
import { buildIncidentState, subjectRefKey } from './incident-state';
import type { IncidentRepository } from './incident.repository';

/**
 * When person records move to another nominal (a merge) or leave one (a withdrawal), the live
 * incidents naming them are republished with a new version and freshly resolved subjects, so
 * the shared stream never points at a nominal that is gone.
 */
export async function republishIncidentsNaming(
  tx: Sql,
  incidents: IncidentRepository,
  forceCode: string,
  personRefs: Array<{ sourceSystem: string; sourceRecordId: string }>,
  now: Date,
): Promise<OutboxMessage[]> {
  const affected = await incidents.findLiveBySubjects(tx, personRefs);
  if (affected.length === 0) return [];
  const refs = affected.flatMap((a) =>
    a.record.subjects.map((s) => ({
      sourceSystem: s.personSourceSystem || a.record.sourceSystem,
      sourceRecordId: s.personSourceRecordId,
    })),
  );
  const resolved = await incidents.resolveSubjects(tx, refs);
  const bumped = affected.map((a) => ({ ...a, version: a.version + 1 }));
  await incidents.bumpVersions(tx, bumped);
  const at = timestampFromDate(now);
  return bumped.map((a) =>
    incidentUpserted(
      forceCode,
      buildIncidentState(
        a.id,
        a.version,
        a.record,
        (s, r) => resolved.get(subjectRefKey(s, r)),
        at,
      ),
      now,
    ),
  );
}
