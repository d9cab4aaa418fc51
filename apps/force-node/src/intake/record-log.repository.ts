import { runCombined, type Sql, type Statement } from '@intel/db';

export interface RecordLogEntry {
  caller: string;
  action: 'submit' | 'withdraw';
  entity: 'person' | 'incident';
  sourceSystem: string;
  sourceRecordId: string;
  outcome: string;
  entityId: string | null;
}

/**
 * DPA 2018 s.62 asks for logs of collection and alteration as well as consultation: every
 * accepted submission and withdrawal is appended here, in the same transaction as the change.
 */
export class RecordLogRepository {
  async append(tx: Sql, entries: RecordLogEntry[]): Promise<void> {
    await runCombined(tx, [this.appendStatement(entries)]);
  }

  appendStatement(entries: RecordLogEntry[]): Statement | undefined {
    if (entries.length === 0) return undefined;
    return {
      sql: `INSERT INTO record_log (caller, action, entity, source_system, source_record_id, outcome, entity_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[])`,
      params: [
        entries.map((e) => e.caller),
        entries.map((e) => e.action),
        entries.map((e) => e.entity),
        entries.map((e) => e.sourceSystem),
        entries.map((e) => e.sourceRecordId),
        entries.map((e) => e.outcome),
        entries.map((e) => e.entityId),
      ],
    };
  }
}
