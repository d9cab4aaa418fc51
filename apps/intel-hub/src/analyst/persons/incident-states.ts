import { IncidentState } from '@intel/contracts';
import type { DataSource } from 'typeorm';
import type { IncidentKey } from './incident-page';

/** The hub's copy of these incidents' states (withdrawn ones have none and are left out). */
export async function incidentStates(
  ds: DataSource,
  keys: IncidentKey[],
): Promise<Map<string, IncidentState>> {
  const out = new Map<string, IncidentState>();
  if (keys.length === 0) return out;
  const rows: Array<{ force_code: string; incident_id: string; state: Buffer }> = await ds.query(
    `SELECT n.force_code, n.incident_id, n.state
     FROM force_incident n JOIN unnest($1::text[], $2::text[]) AS t(f, i)
       ON n.force_code = t.f AND n.incident_id = t.i
     WHERE n.state IS NOT NULL`,
    [keys.map((k) => k.forceCode), keys.map((k) => k.id)],
  );
  for (const r of rows) out.set(`${r.force_code}/${r.incident_id}`, IncidentState.decode(r.state));
  return out;
}
