import { timestampToDate, type IncidentState, type Timestamp } from '@intel/contracts';
import { forceName } from '@intel/config';
import { z } from 'zod';
import type { IncidentKey } from './incident-page';
import { enumName, onlineIdentifierJson } from './person-json';
import { onlineIdentifierSchema } from './person.schemas';

export const incidentSchema = z
  .object({
    forceCode: z.string(),
    forceName: z.string(),
    incidentId: z.string(),
    /** False when the incident was withdrawn since (its content is gone). */
    available: z.boolean(),
    category: z.string().optional(),
    offenceCodes: z.array(z.string()).optional(),
    occurredFrom: z.string().optional(),
    occurredTo: z.string().optional(),
    reportedAt: z.string().optional(),
    platforms: z.array(z.string()).optional(),
    onlineIdentifiers: z.array(onlineIdentifierSchema).optional(),
    outcome: z.string().optional(),
    summary: z.string().optional(),
    immediateRiskToChild: z.boolean().optional(),
    victimCount: z.number().int().optional(),
    sharedReference: z.string().optional(),
    handlingCode: z.string().optional(),
  })
  .meta({ id: 'Incident' });

const iso = (t: Timestamp | undefined) => timestampToDate(t)?.toISOString();

/** An incident the caller may see (IntelQuery's GetPerson listed it for them). */
export function incidentJson(
  k: IncidentKey,
  s: IncidentState | undefined,
): z.output<typeof incidentSchema> {
  const base = { forceCode: k.forceCode, forceName: forceName(k.forceCode), incidentId: k.id };
  if (!s) return { ...base, available: false };
  return {
    ...base,
    available: true,
    category: enumName(s.category, 'INCIDENT_CATEGORY_'),
    offenceCodes: [...s.offenceCodes],
    occurredFrom: iso(s.occurredFrom),
    occurredTo: iso(s.occurredTo),
    reportedAt: iso(s.reportedAt),
    platforms: [...s.platforms],
    onlineIdentifiers: s.onlineIdentifiers.map(onlineIdentifierJson),
    outcome: enumName(s.outcome, 'INCIDENT_OUTCOME_'),
    summary: s.summary,
    immediateRiskToChild: s.immediateRiskToChild,
    victimCount: s.victimCount,
    sharedReference: s.sharedReference || undefined,
    handlingCode: enumName(s.handling?.handlingCode ?? 'HANDLING_CODE_P', 'HANDLING_CODE_'),
  };
}
