import type { DataSource } from 'typeorm';
import type { Consultation, PurposeName } from './consultation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CACHE_MAX = 10_000;

interface Row {
  id: string;
  sub: string;
  force_code: string;
  purpose_code: string;
  reason: string;
  operation_ref: string;
  opened_at: Date;
  expires_at: Date;
}

/**
 * Analysts' consultations (analyst_consultation). A consultation never changes once opened, so
 * the ones read are kept in a bounded cache: a read's justification check costs no query.
 */
export class ConsultationStore {
  private readonly cache = new Map<string, Consultation>();

  constructor(private readonly ds: DataSource) {}

  async insert(c: Consultation): Promise<void> {
    await this.ds.query(
      `INSERT INTO analyst_consultation
         (id, sub, force_code, purpose_code, reason, operation_ref, opened_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [c.id, c.sub, c.force, c.purposeCode, c.reason, c.operationRef, c.openedAt, c.expiresAt],
    );
    this.remember(c);
  }

  /** The consultation with this id, or undefined (also for text that is not an id). */
  async find(id: string): Promise<Consultation | undefined> {
    if (!UUID.test(id)) return undefined;
    const key = id.toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return hit;
    const rows: Row[] = await this.ds.query(
      `SELECT id, sub, force_code, purpose_code, reason, operation_ref, opened_at, expires_at
       FROM analyst_consultation WHERE id = $1`,
      [key],
    );
    const row = rows[0];
    if (!row) return undefined;
    const c: Consultation = {
      id: row.id,
      sub: row.sub,
      force: row.force_code,
      purposeCode: row.purpose_code as PurposeName,
      reason: row.reason,
      operationRef: row.operation_ref,
      openedAt: row.opened_at,
      expiresAt: row.expires_at,
    };
    this.remember(c);
    return c;
  }

  private remember(c: Consultation): void {
    if (this.cache.size >= CACHE_MAX) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(c.id.toLowerCase(), c);
  }
}
